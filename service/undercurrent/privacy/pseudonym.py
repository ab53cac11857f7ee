"""Keyed pseudonyms for user ids in published records.

A plain hash of an e-mail address or a phone number is reversed by hashing the
candidates, so the pseudonym is an HMAC-SHA256 under a secret key: the same user
gets the same pseudonym wherever the key is the same, and nobody without the key
can tell whose it is.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from pydantic import SecretStr

PREFIX = "hmac-sha256:"
# stdlib logging, rendered like every structlog line (undercurrent.logs): close processes import this
# module and need no structlog.
log = logging.getLogger(__name__)


def pseudonym(user_id: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()


def user_id_key(configured: SecretStr | None) -> bytes:
    """The configured pseudonym key, or a random one for this process only (with a warning)."""
    if configured is not None:
        return configured.get_secret_value().encode()
    log.warning(
        "UNDERCURRENT_REDACTION__USER_ID_KEY is not set: user ids are hashed with a random key of this "
        "process, so one user gets a different pseudonym on every replica and after every restart"
    )
    return secrets.token_bytes(32)
