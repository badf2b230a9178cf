"""Encryption at rest for fields classified SENSITIVE.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under MultiFernet: the first key encrypts, every key
decrypts, so keys rotate by putting a new key first and re-saving rows. Encrypted columns cannot be searched or
sorted by the database; a model that needs lookups stores a keyed hash beside the value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PANAH_FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str) -> str:
    return PREFIX + _fernet(_keys()).encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return _fernet(_keys()).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: no configured key fits") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact-match lookups on an encrypted value, without storing the value in clear."""
    key = hashlib.sha256(("panah-blind-index:" + purpose + ":" + _keys()[-1]).encode()).digest()
    return hmac.new(key, value.strip().casefold().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text field stored encrypted; reads give the clear text back to Python code only."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedJSONField(EncryptedTextField):
    """JSON stored encrypted (as text): Python code reads and writes the decoded value; the database sees ciphertext."""

    # For django-stubs: instances take and give decoded JSON values, not text.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        # Not through TextField.get_prep_value: its to_python would turn the JSON text back into a dict.
        return encrypt(json.dumps(value, sort_keys=True, ensure_ascii=False))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else {}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value
