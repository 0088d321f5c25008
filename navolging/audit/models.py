from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def listable(self) -> AuditEventQuerySet:
        """What the programme office and administrators may read."""
        return self.filter(confidential=False)


class AuditEvent(models.Model):
    """Who did what to which object, old -> new, and when. Never edited through the app."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=254, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    origin_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    origin_agent = models.CharField(_("browser"), max_length=254, blank=True)
    # About a confidential item (a consult): kept, but never listed in the app or the admin,
    # since even "who planned what when" would tell the office who sees a coach (R10).
    confidential = models.BooleanField(default=False, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def change_rows(self) -> list[tuple[str, object, object, bool]]:
        """(field, old, new, is_change) per recorded change: a pair [old, new] is a change,
        anything else a plain fact (a count, a name) shown as it is."""
        rows = []
        for field, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                rows.append((field, value[0], value[1], True))
            else:
                rows.append((field, None, value, False))
        return rows
