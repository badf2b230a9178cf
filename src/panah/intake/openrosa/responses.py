"""The XML documents and headers of the OpenRosa API."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import http_date

RESPONSE_NS = "http://openrosa.org/http/response"
XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"


def max_submission_bytes() -> int:
    return int(settings.PANAH_OPENROSA_MAX_SUBMISSION_BYTES)


def openrosa(body: bytes, status: int = 200, content_type: str = "text/xml; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    return response


def _xml(root: ElementTree.Element) -> bytes:
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


def message(text: str, status: int, nature: str = "") -> HttpResponse:
    root = ElementTree.Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    element = ElementTree.SubElement(root, "message")
    if nature:
        element.set("nature", nature)
    element.text = text
    response = openrosa(_xml(root), status)
    if status in (201, 202, 204) or status == 401:
        response["X-OpenRosa-Accept-Content-Length"] = str(max_submission_bytes())
    return response


def _add(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def form_list(entries: Iterable[dict[str, str]]) -> bytes:
    """entries: formID, name, version, hash, downloadUrl and, when the form has media, manifestUrl."""
    root = ElementTree.Element("xforms", xmlns=XFORMS_LIST_NS)
    for entry in entries:
        xform = ElementTree.SubElement(root, "xform")
        for tag in ("formID", "name", "version", "hash", "downloadUrl", "manifestUrl"):
            if tag in entry:
                _add(xform, tag, entry[tag])
    return _xml(root)


def manifest(files: Iterable[tuple[str, str, str]]) -> bytes:
    """files: (filename, md5 hex, download URL)."""
    root = ElementTree.Element("manifest", xmlns=MANIFEST_NS)
    for filename, md5, url in files:
        media = ElementTree.SubElement(root, "mediaFile")
        _add(media, "filename", filename)
        _add(media, "hash", f"md5:{md5}")
        _add(media, "downloadUrl", url)
    return _xml(root)
