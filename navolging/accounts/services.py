from __future__ import annotations

from django.db import transaction
from django.db.models import F

from navolging.audit.services import audit_record

from .forms import PasswordResetForm
from .models import User


def password_link_send(*, user: User, request, invite: bool = False) -> None:
    """Mail `user` a link to set a password, after the current transaction commits."""
    templates = "accounts/email/invite" if invite else "registration/password_reset"

    def send() -> None:
        form = PasswordResetForm(data={"email": user.email})
        if form.is_valid():
            form.save(
                request=request,
                use_https=request.is_secure(),
                subject_template_name=f"{templates}_subject.txt",
                email_template_name=f"{templates}_email.txt",
            )

    transaction.on_commit(send)


def trainer_create(*, name: str, email: str, language: str, by: User, request) -> User:
    """An external trainer's account, made by the programme office; they set their password."""
    with transaction.atomic():
        trainer = User.objects.create_user(email, name=name, language=language, is_trainer=True)
        audit_record(
            action="trainer.create",
            actor=by,
            obj=trainer,
            changes={"email": [None, trainer.email], "name": [None, name]},
            request=request,
        )
        password_link_send(user=trainer, request=request, invite=True)
    return trainer


ROLE_FIELDS = [
    "is_active",
    "is_programme_office",
    "is_trainer",
    "is_as",
    "is_staff",
    "is_superuser",
]


def user_sessions_end(*, user: User, by: User | None, request=None) -> None:
    """Log the user out everywhere: each of their sessions fails at its next request."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        audit_record(action="user.sessions_end", actor=by, obj=user, request=request)


def user_roles_audit(*, user: User, old: dict, by: User | None, request=None) -> None:
    """Record a change of roles made in the technical administration."""
    new = {field: getattr(user, field) for field in ROLE_FIELDS}
    changes = {f: [old.get(f), new[f]] for f in ROLE_FIELDS if old.get(f) != new[f]}
    if changes:
        audit_record(action="user.roles", actor=by, obj=user, changes=changes, request=request)


def user_language_set(*, user: User, language: str, request=None) -> None:
    """The user's own choice of language, used for the pages and for mail to them."""
    with transaction.atomic():
        old = user.language
        user.language = language
        user.save(update_fields=["language"])
        audit_record(
            action="user.language",
            actor=user,
            obj=user,
            changes={"language": [old, language]},
            request=request,
        )
