"""The one way to record a change (STYLE 7): call inside the transaction that makes it."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return str(value)


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ."""
    return {
        key: [_plain(old.get(key)), _plain(new.get(key))]
        for key in sorted(set(old) | set(new))
        if _plain(old.get(key)) != _plain(new.get(key))
    }


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request=None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    confidential: bool = False,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:254]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = agent = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = request.META.get("HTTP_USER_AGENT", "")[:254]
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=(actor.email if actor is not None else "system")[:254],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        origin_ip=ip,
        origin_agent=agent or "",
        confidential=confidential,
    )


def audit_bulk(events: list[AuditEvent]) -> None:
    """For imports: many events written at once, still in the import's transaction."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)
