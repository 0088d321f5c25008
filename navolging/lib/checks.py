"""System checks for the keys of text encrypted at rest (SECURITY R10, docs/deployment.md).

`manage.py check --deploy` (and `make check-deploy`) warn when the key is the one kept in
var/: that file sits next to the SQLite database and the media, so one backup or copy of the
server would hold both the encrypted text and its key, and the encryption would protect
nothing.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _valid(key: str) -> bool:
    try:
        Fernet(key.encode())
    except ValueError:  # binascii.Error is one too
        return False
    return True


@register(Tags.security)
def encryption_keys_valid(app_configs=None, **kwargs) -> list[Error]:
    """Always checked: a bad key would only show at the first consult someone opens."""
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS is empty.",
                hint="Set at least one key (docs/deployment.md, Keys).",
                id="navolging.E001",
            )
        ]
    return [
        Error(
            f"Key {position} of FIELD_ENCRYPTION_KEYS is not a valid Fernet key.",
            hint="A key is 32 bytes in url-safe base64, made with "
            "Fernet.generate_key() (docs/deployment.md, Keys).",
            id="navolging.E001",
        )
        for position, key in enumerate(keys, start=1)
        if not _valid(key)
    ]


@register(Tags.security, deploy=True)
def encryption_keys_from_env(app_configs=None, **kwargs) -> list[Warning]:
    if settings.FIELD_ENCRYPTION_KEYS_FROM_ENV:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: the key for encrypted text is kept in var/, "
            "next to the database, so a backup of the server holds both.",
            hint="Set FIELD_ENCRYPTION_KEYS in the environment from a secret store, and keep "
            "it out of database backups (docs/deployment.md, Keys).",
            id="navolging.W001",
        )
    ]
