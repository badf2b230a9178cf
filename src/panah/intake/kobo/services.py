"""Pulling a KoboToolbox form's new submissions into its import spec, through the same pipeline as files.

Incremental on `_submission_time`; each record is stored once as a Submission (keyed by meta/instanceID, else
_uuid), so a second pull, or a record also sent by Collect to our OpenRosa endpoint, imports nothing twice. New
records of one pull become one batch per context (accept_clean: invalid ones are held rows). The network is read
before the transaction; records, batches, the source's bookmark and the audit event are written together.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, invalid, not_found
from panah.core.fields import blind_index
from panah.core.permissions import Perm, can
from panah.intake import registry, services
from panah.intake.kobo.client import KoboClient, KoboError
from panah.intake.models import BatchPolicy, KoboSource, Submission, SubmissionSource, SubmissionStatus
from panah.intake.openrosa import mapping, xforms
from panah.intake.openrosa import services as openrosa

FIRST_ROW = 2
SOURCE_FIELDS = ("name", "server_url", "asset_uid", "token", "spec_name", "context")
# KPI asset uids are letters and digits ("aKx8mQpN3vR2sT..."); anything else would end up in a URL path.
ASSET_UID = re.compile(r"^[A-Za-z0-9]{8,64}$")
# Plain http only to this machine (a test or a tunnel): a token must not cross a network unencrypted.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
PULL_REQUEST = "kobo.pull_request"


@dataclass
class PullResult:
    fetched: int = 0
    new: int = 0
    batch_ids: list[int] = field(default_factory=list)
    error: str = ""


def instance_id(record: Mapping[str, Any]) -> str:
    value = record.get("meta/instanceID") or (f"uuid:{record['_uuid']}" if record.get("_uuid") else "")
    return str(value)[:100]


def _client(source: KoboSource) -> KoboClient:
    return KoboClient(source.server_url, source.token)


def kobo_pull(*, actor: Any, source: KoboSource, client: KoboClient | None = None) -> PullResult:
    """Fetch the source's submissions newer than its bookmark, stage and import them; errors are kept on the source."""
    result = PullResult()
    try:
        records = list((client or _client(source)).submissions(source.asset_uid, since=source.last_submission_time))
    except KoboError as error:
        result.error = str(error)
        _record_run(actor, source, result)
        return result
    result.fetched = len(records)
    known = set(Submission.objects.filter(instance_id__in=[instance_id(r) for r in records])
                .values_list("instance_id", flat=True))  # fmt: skip
    form = xforms.for_spec(registry.get(source.spec_name).name)
    fresh = [r for r in records if instance_id(r) and instance_id(r) not in known]
    refused = [r for r in fresh if not _consented(form, r)]
    fresh = [r for r in fresh if _consented(form, r)]
    try:
        with transaction.atomic():
            result.batch_ids = _stage(actor, source, fresh)
            _record_refusals(actor, source, refused)
            result.new = len(fresh)
            if records:
                source.last_submission_time = max(str(r.get("_submission_time", "")) for r in records)
            _record_run(actor, source, result)
    except ApplicationError as error:
        result.error, result.new, result.batch_ids = error.message, 0, []
        _record_run(actor, source, result)
        return result
    for batch_id in result.batch_ids:
        openrosa.process(batch_id=batch_id)
    return result


def _consented(form: Any, record: Mapping[str, Any]) -> bool:
    """A form with a consent question imports only interviews where consent was given (as OpenRosa does)."""
    return (
        not (form and form.consent) or str(record.get(form.fields.get(form.consent, form.consent), "")).lower() == "yes"
    )


def _stored_copy(form: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as kept on the submission: answers the form says are never stored in clear (a respondent's
    number) are emptied; the importer has hashed them from the row already."""
    withheld = {form.fields.get(p, p) for p in form.withheld} if form else set()
    return {key: ("" if key in withheld else value) for key, value in record.items()}


def _fingerprint(record: Mapping[str, Any]) -> str:
    # Keyed: a plain SHA-256 of one interview could be brute-forced back to a number in it.
    return blind_index(json.dumps(record, sort_keys=True, ensure_ascii=False), purpose="kobo-record")


def _record_refusals(actor: Any, source: KoboSource, refused: Sequence[Mapping[str, Any]]) -> None:
    Submission.objects.bulk_create(
        Submission(
            source=SubmissionSource.KOBO, form_id=str(r.get("_xform_id_string") or source.asset_uid)[:100],
            instance_id=instance_id(r), sha256=_fingerprint({}), payload="{}", submitted_by=actor,
            kobo_source=source, status=SubmissionStatus.REJECTED,
        )
        for r in refused
    )  # fmt: skip


def _stage(actor: Any, source: KoboSource, records: Sequence[Mapping[str, Any]]) -> list[int]:
    spec = registry.get(source.spec_name)
    form = xforms.for_spec(spec.name)
    groups: dict[str, tuple[dict[str, Any], list[Mapping[str, Any]]]] = {}
    for record in records:
        # The source's context wins; a key it leaves open (e.g. the round) is read from the record.
        context = {**mapping.context_from_values(form, record), **source.context}
        groups.setdefault(registry.context_key(context), (context, []))[1].append(record)
    batch_ids = []
    for context, group in groups.values():
        # A record of a form with a repeat group is several rows; its submission points at the first of them.
        per_record = [[mapping.row_from_values(spec, form, v) for v in mapping.kobo_records(form, r)] for r in group]
        starts = [0, *itertools.accumulate(len(rows) for rows in per_record)][:-1]
        upload = services.batch_create(
            actor=actor, spec_name=spec.name, context=context, filename=f"kobo-{source.asset_uid}-{_first(group)}.csv",
            content=openrosa.rows_csv(spec, [row for rows in per_record for row in rows]),
            policy=BatchPolicy.ACCEPT_CLEAN,
        )  # fmt: skip
        Submission.objects.bulk_create(
            _submission(actor, source, r, upload.batch.pk, start) for r, start in zip(group, starts, strict=True)
        )
        if upload.needs_run:
            batch_ids.append(upload.batch.pk)
    return batch_ids


def _first(group: Sequence[Mapping[str, Any]]) -> str:
    return str(group[0].get("_id", "")) or hashlib.sha256(instance_id(group[0]).encode()).hexdigest()[:12]


def _submission(actor: Any, source: KoboSource, record: Mapping[str, Any], batch_id: int, index: int) -> Submission:
    payload = json.dumps(_stored_copy(xforms.for_spec(source.spec_name), record), sort_keys=True, ensure_ascii=False)
    return Submission(
        source=SubmissionSource.KOBO, form_id=str(record.get("_xform_id_string") or source.asset_uid)[:100],
        instance_id=instance_id(record), sha256=_fingerprint(record), payload=payload,
        submitted_by=actor, kobo_source=source, batch_id=batch_id, row_number=FIRST_ROW + index,
        status=SubmissionStatus.RECEIVED,
    )  # fmt: skip


def _record_run(actor: Any, source: KoboSource, result: PullResult) -> None:
    with transaction.atomic():
        source.last_run_at, source.last_error = timezone.now(), result.error
        source.save(update_fields=["last_submission_time", "last_run_at", "last_error", "updated_at"])
        metadata = {"fetched": result.fetched, "new": result.new, "batches": result.batch_ids, "error": result.error}
        audit.record(actor=actor, action=audit.Action.TRANSITION, obj=source, metadata=metadata)


def _url_error(server_url: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    if parts.username or parts.password or parts.query or parts.fragment:
        return _("Give the server address only, without a user name, query or fragment.")
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return ""
    return _("Use an https:// address (plain http:// only to this machine).")


def _source_context(spec: registry.ImportSpec, context: dict[str, Any]) -> dict[str, Any]:
    # Unlike a file, a source may leave a key open (the round): each record then carries its own.
    cleaned: dict[str, Any] = {}
    for name, value in context.items():
        parse = spec.context_fields.get(name)
        if parse is None:
            message = _("%(name)s does not apply to this import type.") % {"name": name}
            raise invalid(message, FieldError(name, message))
        if value in (None, ""):
            continue
        try:
            cleaned[name] = parse(value)
        except (TypeError, ValueError):
            message = _("A valid %(name)s is required.") % {"name": name}
            raise invalid(message, FieldError(name, message)) from None
    return cleaned


def _checked(actor: Any, values: dict[str, Any], exclude_pk: int | None = None) -> dict[str, Any]:
    errors = []
    if not values["name"].strip():
        errors.append(FieldError("name", _("Give the source a name."), "required"))
    if message := _url_error(values["server_url"]):
        errors.append(FieldError("server_url", message))
    if not ASSET_UID.match(values["asset_uid"]):
        errors.append(FieldError("asset_uid", _("An asset UID is 8 to 64 letters and digits, as in the form's URL.")))
    if not values["token"] or any(c.isspace() for c in values["token"]):
        errors.append(FieldError("token", _("Paste the API key exactly as KoboToolbox shows it."), "required"))
    if errors:
        raise invalid(_("Some fields need attention."), *errors)
    values = {**values, "name": values["name"].strip(), "server_url": values["server_url"].rstrip("/")}
    try:
        spec = registry.get(values["spec_name"])
    except ApplicationError:
        raise invalid(_("Choose an import type."), FieldError("spec_name", _("Choose an import type."))) from None
    values["context"] = _source_context(spec, values["context"])
    if set(values["context"]) == set(spec.context_fields):
        _authorise(actor, spec, values["context"])
    same = KoboSource.objects.filter(server_url=values["server_url"], asset_uid=values["asset_uid"],
                                     spec_name=spec.name)  # fmt: skip
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        message = _("This form is already a source for this import type.")
        raise invalid(message, FieldError("asset_uid", message, "duplicate"))
    return values


def _authorise(actor: Any, spec: registry.ImportSpec, context: dict[str, Any]) -> None:
    # The spec's refusal (a missing round is "not found") is a problem with the field here, not with the page.
    try:
        spec.authorise(actor, context)
    except ApplicationError as error:
        field_name = next(iter(context))
        raise invalid(error.message, FieldError(field_name, error.message, error.code)) from None


def _ensure(actor: Any, action: str, obj: Any) -> None:
    if not can(actor, action, obj):
        raise not_found(str(KoboSource._meta.verbose_name))


def kobo_source_create(
    *, actor: Any, name: str, server_url: str, asset_uid: str, token: str, spec_name: str, context: dict[str, Any]
) -> KoboSource:
    """Add a Kobo form to pull (IM officers, administrators); the audit event masks the token."""
    _ensure(actor, Perm.CREATE, KoboSource)
    values = _checked(actor, {"name": name, "server_url": server_url, "asset_uid": asset_uid, "token": token,
                              "spec_name": spec_name, "context": context})  # fmt: skip
    source = KoboSource(**values, created_by=actor)
    with transaction.atomic():
        source.save()
        after = audit.snapshot(source, SOURCE_FIELDS)
        audit.record(actor=actor, action=audit.Action.CREATE, obj=source, changes=audit.diff(KoboSource, {}, after))
    return source


def kobo_source_update(*, actor: Any, source: KoboSource, token: str = "", **values: Any) -> KoboSource:
    """Change a source's settings; an empty token keeps the stored one. The audit event masks the token."""
    _ensure(actor, Perm.CHANGE, source)
    unknown = set(values) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"not a source setting: {sorted(unknown)}")
    before = audit.snapshot(source, SOURCE_FIELDS)
    checked = _checked(actor, {**before, **values, "token": token or source.token}, exclude_pk=source.pk)
    changed = [name for name in SOURCE_FIELDS if checked[name] != before[name]]
    if not changed:
        return source
    for name in changed:
        setattr(source, name, checked[name])
    with transaction.atomic():
        source.save(update_fields=[*changed, "updated_at"])
        changes = audit.diff(KoboSource, before, audit.snapshot(source, SOURCE_FIELDS))
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=source, changes=changes)
    return source


def kobo_source_delete(*, actor: Any, source: KoboSource) -> None:
    """Remove a source that never pulled anything; one with submissions stays (they point at it)."""
    _ensure(actor, Perm.DELETE, source)
    if Submission.objects.filter(kobo_source=source).exists():
        message = _("Submissions were pulled from this source: it can no longer be deleted.")
        raise ApplicationError("conflict", message, status=409)
    with transaction.atomic():
        changes = audit.diff(KoboSource, audit.snapshot(source, SOURCE_FIELDS), {})
        audit.record(actor=actor, action=audit.Action.DELETE, obj=source, changes=changes)
        source.delete()


def kobo_source_pull_request(*, actor: Any, source: KoboSource) -> None:
    """Record who asked for a pull now; the caller queues it (kobo.tasks.pull_now)."""
    _ensure(actor, Perm.CHANGE, source)
    audit.record(actor=actor, action=PULL_REQUEST, obj=source)
