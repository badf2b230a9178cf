"""Personal API token format: `pnh_<prefix>_<secret>`. The prefix finds the row; only the secret's hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "pnh"
PREFIX_BYTES = 6  # 8 url-safe characters
SECRET_BYTES = 32


@dataclass(frozen=True)
class ParsedToken:
    prefix: str
    secret: str


def new_token() -> tuple[str, str, str]:
    """(prefix, secret, full token string)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return prefix, secret, f"{SCHEME}_{prefix}_{secret}"


def hash_secret(secret: str) -> str:
    # A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(raw: str) -> ParsedToken | None:
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or not parts[1] or not parts[2] or len(raw) > 200:
        return None
    return ParsedToken(prefix=parts[1], secret=parts[2])


def matches(secret: str, key_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), key_hash)
