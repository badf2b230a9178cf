"""The few places where SQLite and PostgreSQL differ, behind one interface."""

from __future__ import annotations

from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def vendor() -> str:
    return connection.vendor
