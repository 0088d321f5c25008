"""Logging in, lockout, cookies and session lifetime (SECURITY R3, R6, R7, R8)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.lib.testing import PASSWORD


@pytest.fixture
def employee_user(cast):
    user = cast.employee.user
    user.set_password(PASSWORD)
    user.save()
    axes_reset()
    yield user
    axes_reset()


def _login(client: Client, email: str, password: str, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_it_hashes_passwords_with_argon2(employee_user):
    employee_user.refresh_from_db()
    assert employee_user.password.startswith("argon2$")


def test_people_from_the_hr_import_have_no_usable_password(cast):
    assert not cast.outsider.user.has_usable_password()


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("kort-wachtw", False),  # 11 characters
        ("password1234", False),  # common
        ("123456789012345", False),  # numeric only
        ("zes woorden maken een zin", True),  # no composition rules
        ("x7" * 32, True),  # 64 characters are allowed
    ],
)
def test_password_rules(password, ok):
    user = User(email="iemand@example.org", name="Iemand")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_login_with_email_and_password_reaches_my_page(employee_user):
    client = Client()
    response = _login(client, employee_user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=employee_user).exists()


def test_login_gives_a_new_session_key(employee_user):
    client = Client()
    client.get(reverse("accounts:login"))
    client.session["before"] = True  # make an anonymous session exist
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    _login(client, employee_user.email, PASSWORD)
    assert client.session.session_key != before


def test_cookies_are_secure(employee_user, settings):
    client = Client()
    response = _login(client, employee_user.email, PASSWORD, secure=True)
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["path"] == "/" and not session_cookie["domain"]
    csrf_cookie = (
        client.get(reverse("accounts:login"), secure=True).cookies.get(settings.CSRF_COOKIE_NAME)
        or response.cookies[settings.CSRF_COOKIE_NAME]
    )
    assert csrf_cookie["secure"]
    assert csrf_cookie["samesite"] == "Strict"


def test_failed_logins_are_recorded_without_the_password(employee_user):
    _login(Client(), employee_user.email, "wrong-password-123")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.object_label == employee_user.email
    assert "wrong-password" not in str(event.changes)


def test_line_breaks_in_a_typed_username_are_encoded(db):
    _login(Client(), "evil@example.org\r\nforged line", "x" * 12)
    event = AuditEvent.objects.get(action="login_failed")
    assert "\n" not in event.object_label and "\\n" in event.object_label


def test_lockout_after_repeated_failures_even_with_the_right_password(employee_user, settings):
    client = Client(HTTP_USER_AGENT="test-browser")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, employee_user.email, "wrong-password-123")
    response = _login(client, employee_user.email, PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_unknown_and_known_users_get_the_same_answer(employee_user):
    known = _login(Client(), employee_user.email, "wrong-password-123")
    unknown = _login(Client(), "niemand@example.org", "wrong-password-123")
    assert known.status_code == unknown.status_code == 200

    def error_text(response):
        return [str(e) for e in response.context["form"].non_field_errors()]

    assert error_text(known) == error_text(unknown)


def test_idle_session_ends(employee_user, settings):
    client = Client()
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        _login(client, employee_user.email, PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_active_session_ends_after_its_absolute_lifetime(employee_user, settings):
    client = Client()
    with time_machine.travel(dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        _login(client, employee_user.email, PASSWORD)
        step = dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS - 60)
        elapsed = dt.timedelta()
        while elapsed <= dt.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS):
            assert client.get(reverse("home")).status_code == 200
            clock.shift(step)
            elapsed += step
        response = client.get(reverse("home"))
    assert response.status_code == 302


def test_a_deactivated_user_loses_access_at_the_next_request(cast, client_as):
    client = client_as("employee")
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=cast.employee.user.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_ends_the_session(cast, client_as):
    client = client_as("employee")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout").exists()


def test_login_refuses_a_redirect_to_another_site(employee_user):
    response = Client().post(
        reverse("accounts:login") + "?next=https://evil.example.com/",
        {
            "username": employee_user.email,
            "password": PASSWORD,
            "next": "https://evil.example.com/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_an_admin_can_end_all_sessions_of_a_user(cast, client_as):
    victim = client_as("employee")
    assert victim.get(reverse("home")).status_code == 200
    admin = client_as("admin")
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [cast.employee.user.pk]},
    )
    assert response.status_code == 302
    assert victim.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.sessions_end", actor=cast.admin).exists()


def test_role_changes_in_the_admin_are_audited(cast, client_as):
    user = cast.outsider.user
    response = client_as("admin").post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "name": "",
            "language": "nl",
            "is_active": "on",
            "is_programme_office": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.roles")
    assert event.changes == {"is_programme_office": [False, True]}
