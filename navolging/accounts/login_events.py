"""Logins, failed logins and logouts go to the audit trail (R7, R17).

Django announces these only through its auth signals, so this is the one place where the
product listens to signals.
"""

from __future__ import annotations

from django.contrib.auth import signals
from django.dispatch import receiver

from navolging.audit.services import audit_record


@receiver(signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, obj=user, request=request)


@receiver(signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, obj=user, request=request)


@receiver(signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The username is recorded as typed (it may be anyone's), never the password.
    typed = str(credentials.get("username", ""))[:254]
    audit_record(
        action="login_failed",
        object_type="accounts.user",
        object_label=typed.replace("\r", "\\r").replace("\n", "\\n"),
        request=request,
    )
