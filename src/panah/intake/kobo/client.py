"""A small client of the KoboToolbox KPI v2 API: assets and their submissions, following `next` links.

Standard library only (urllib), with a timeout on every call. Errors come out as KoboError with the HTTP status
and KPI's `detail`, so a wrong token reads as "Invalid token." where the source's last error is shown.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

TIMEOUT_SECONDS = 60
PAGE_SIZE = 1000  # well under KPI's 30000 cap; self-hosted servers may cap lower, and `next` covers the rest


class KoboError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"KoboToolbox answered {status}: {detail}" if status else detail)
        self.status = status
        self.detail = detail


class KoboClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise KoboError(0, f"Not an http(s) URL: {url}")
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise KoboError(error.code, _detail(error)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise KoboError(0, f"KoboToolbox could not be reached: {error}") from None
        except ValueError:
            raise KoboError(0, "KoboToolbox answered with something that is not JSON.") from None

    def _pages(self, url: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        page: Any = self._get(url, params)
        while True:
            yield from page.get("results", [])
            next_url = page.get("next")
            if not next_url:
                return
            page = self._get(next_url)  # `next` carries the query, start and limit already

    def assets(self) -> Iterator[dict[str, Any]]:
        return self._pages(f"{self.base_url}/api/v2/assets/", {"format": "json"})

    def asset(self, uid: str) -> dict[str, Any]:
        return dict(self._get(f"{self.base_url}/api/v2/assets/{urllib.parse.quote(uid)}/", {"format": "json"}))

    def submissions(
        self, uid: str, since: str | None = None, start: int = 0, limit: int = PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every submission (after `since`, a _submission_time, when given), page after page."""
        params: dict[str, Any] = {"format": "json", "start": start, "limit": limit}
        if since:
            params["query"] = json.dumps({"_submission_time": {"$gt": since}})
        return self._pages(f"{self.base_url}/api/v2/assets/{urllib.parse.quote(uid)}/data/", params)


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read().decode("utf-8"))
    except (ValueError, OSError):
        return str(error.reason)
    return str(body.get("detail", error.reason)) if isinstance(body, dict) else str(error.reason)
