"""Field encryption for personal data: AES-GCM at rest, HMAC blind index for exact lookup.

A database dump shows `v1:<base64>` instead of an ID number or phone. Two keys are derived
from settings.FIELD_ENCRYPTION_KEY with HKDF: one encrypts, one computes the lookup digest,
so the digest column can be indexed and made unique without revealing the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "v1:"


@cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    material = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=b"laborwatch-field-keys", info=b"v1"
    ).derive(master.encode("utf-8"))
    return AESGCM(material[:32]), material[32:]


def encrypt(plain: str) -> str:
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plain.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    raw = base64.b64decode(token[len(PREFIX) :])
    return cipher.decrypt(raw[:12], raw[12:], None).decode("utf-8")


def digest(plain: str) -> str:
    """Deterministic keyed digest for lookups and uniqueness; reveals nothing without the key."""
    _, index_key = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(index_key, plain.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the clear value."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
