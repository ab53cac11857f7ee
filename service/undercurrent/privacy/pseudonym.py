"""Keyed pseudonyms for user ids in published records.

A plain hash of an e-mail address or a phone number is reversed by hashing the
candidates, so the pseudonym is an HMAC-SHA256 under a secret key: the same user
gets the same pseudonym wherever the key is the same, and nobody without the key
can tell whose it is.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "hmac-sha256:"


def pseudonym(user_id: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()
