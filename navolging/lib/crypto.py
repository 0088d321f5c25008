"""Text encrypted at rest (SECURITY R10): a database dump or backup does not reveal it.

Fernet (AES-128-CBC with HMAC-SHA256) from the `cryptography` package, keys from
settings.FIELD_ENCRYPTION_KEYS: the first encrypts, every key decrypts, so keys can be rotated
(`manage.py rotate_keys`). Searching or filtering on such a field is not possible, on purpose.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Fail closed and say why: the text is there, the key it was written with is not.
        raise ImproperlyConfigured(
            "Encrypted text cannot be read with FIELD_ENCRYPTION_KEYS: was a key removed?"
        ) from exc


def rotate(token: str) -> str:
    """The same text encrypted with the first key."""
    return _current().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. Empty stays empty (there is nothing to hide)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)
