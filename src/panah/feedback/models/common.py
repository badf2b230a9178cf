"""Shorthands for the classification of every field."""

from __future__ import annotations

from panah.core.classification import Sensitivity

PUBLIC, INTERNAL, PERSONAL, SENSITIVE = (
    Sensitivity.PUBLIC,
    Sensitivity.INTERNAL,
    Sensitivity.PERSONAL,
    Sensitivity.SENSITIVE,
)
