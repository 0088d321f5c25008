"""`manage.py rotate_keys`: re-encrypt all text encrypted at rest with the first key of
FIELD_ENCRYPTION_KEYS, so an old key can then be removed (docs/deployment.md, "Keys")."""

from __future__ import annotations

import sys

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast
from tqdm import tqdm

from navolging.lib import crypto
from navolging.lib.crypto import EncryptedTextField

BATCH = 500


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted text, and the names of those fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def _raw(model: type[models.Model], names: list[str]):
    """The stored tokens, not the text: the Cast to a plain TextField skips the field's
    decryption, so nothing is decrypted here that does not need to be."""
    return model._base_manager.order_by("pk").annotate(
        **{f"raw_{name}": Cast(name, models.TextField()) for name in names}
    )


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key in front; then the old key can be removed."
    )

    def handle(self, *args, **options) -> None:
        try:
            current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        except (ValueError, IndexError) as exc:
            raise CommandError("FIELD_ENCRYPTION_KEYS must start with a valid Fernet key.") from exc
        found = encrypted_fields()
        total = sum(model._base_manager.count() for model, _names in found)
        rotated = current_already = unreadable = 0
        with tqdm(
            total=total,
            unit=" rows",
            file=sys.stderr,
            disable=options["verbosity"] == 0,
            leave=False,
        ) as bar:
            for model, names in found:
                bar.set_description(model._meta.label)
                pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
                for start in range(0, len(pks), BATCH):
                    batch = pks[start : start + BATCH]
                    counts = self._batch(model, names, batch, current)
                    rotated += counts[0]
                    current_already += counts[1]
                    unreadable += counts[2]
                    bar.update(len(batch))
        self.stdout.write(
            f"{rotated} values re-encrypted with the first key, {current_already} had it already "
            f"({len(found)} models: "
            + ", ".join(f"{m._meta.label}.{'/'.join(n)}" for m, n in found)
            + ")."
        )
        if unreadable:
            # Fail closed: those values were left as they were; removing a key now loses them.
            raise CommandError(
                f"{unreadable} values could not be read with any of FIELD_ENCRYPTION_KEYS and "
                "were left untouched. Do not remove a key until this is solved."
            )

    def _batch(self, model, names: list[str], pks: list, current: Fernet) -> tuple[int, int, int]:
        rotated = already = unreadable = 0
        with transaction.atomic():
            # Locked, so text saved by a request meanwhile is not overwritten with the old text.
            rows = (
                _raw(model, names)
                .select_for_update()
                .filter(pk__in=pks)
                .values_list("pk", *[f"raw_{name}" for name in names])
            )
            for pk, *tokens in rows:
                changed = {}
                for name, token in zip(names, tokens, strict=True):
                    if not token:
                        continue
                    try:
                        current.decrypt(token.encode())
                        already += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        fresh = crypto.rotate(token)
                    except InvalidToken:
                        unreadable += 1
                        continue
                    # A Value with a plain TextField is written as it is: the encrypted
                    # field would encrypt the token a second time.
                    changed[name] = models.Value(fresh, output_field=models.TextField())
                    rotated += 1
                if changed:
                    model._base_manager.filter(pk=pk).update(**changed)
        return rotated, already, unreadable
