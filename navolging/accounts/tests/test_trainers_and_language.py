from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent


def test_office_makes_a_trainer_who_gets_a_mail_to_set_a_password(
    cast, client_as, django_capture_on_commit_callbacks
):
    client = client_as("office")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:trainer_create"),
            {"name": "Tom Teamcoach", "email": "Tom@Coaching.example", "language": "en"},
        )
    assert response.status_code == 302
    trainer = User.objects.get(email="tom@coaching.example")
    assert trainer.is_trainer and not trainer.has_usable_password()
    assert AuditEvent.objects.filter(action="trainer.create", object_id=str(trainer.pk)).exists()
    [message] = mail.outbox
    assert message.to == ["tom@coaching.example"]
    assert message.subject == "Your account for Navolging"  # in the trainer's language
    link = re.search(r"https?://\S+/account/wachtwoord/nieuw/\S+/", message.body).group(0)

    # The link lets the trainer choose a password and log in.
    anonymous = Client()
    response = anonymous.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "een zin als wachtwoord voor tom"
    response = anonymous.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.check_password(new_password)


def test_a_duplicate_trainer_email_gets_a_clear_message(cast, client_as):
    response = client_as("office").post(
        reverse("accounts:trainer_create"),
        {"name": "Dubbel", "email": cast.trainer.email, "language": "nl"},
    )
    assert response.status_code == 200
    assert "Er is al een account met dit e-mailadres." in response.content.decode()
    assert User.objects.filter(email=cast.trainer.email).count() == 1


def test_language_switch_changes_the_page_and_is_remembered(cast, client_as):
    client = client_as("employee")
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get(reverse("home")).content.decode()
    cast.employee.user.refresh_from_db()
    assert cast.employee.user.language == "en"
    event = AuditEvent.objects.get(action="user.language")
    assert event.changes == {"language": ["nl", "en"]}


def test_language_switch_never_redirects_to_another_site(db):
    response = Client().post(
        reverse("accounts:language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(cast, client_as):
    client = client_as("employee")
    client.post(reverse("accounts:language"), {"language": "xx", "next": "/"})
    assert 'lang="nl"' in client.get(reverse("home")).content.decode()
