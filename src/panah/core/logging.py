"""Structured logs: one JSON object a line, with the request id, and no request bodies, URLs or user input."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from panah.core import context

_SAFE_EXTRAS = ("event", "status_code", "duration_ms", "task", "count", "object_type", "code")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        # Only whitelisted extras: Django attaches the request object to django.request records, and a request
        # carries query strings and form data that may hold personal data.
        for key in _SAFE_EXTRAS:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            payload["traceback"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
