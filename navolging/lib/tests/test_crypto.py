"""Text encrypted at rest (SECURITY R10): not readable in the database, keys rotate, a missing
key fails closed, and the deploy checks guard the key."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from navolging.coaching.models import Consult
from navolging.coaching.tests.helpers import ask, assign, make_coach
from navolging.lib import checks, crypto

SECRET = "Mijn collega maakt steeds grappen over mijn afkomst"
TIMES = "dinsdagmiddag na drie uur"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(consult: Consult) -> tuple[str, str]:
    """The message and preferred times as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT message, preferred_times FROM coaching_consult WHERE id = %s",
            [consult.pk.hex if connection.vendor == "sqlite" else consult.pk],
        )
        return cursor.fetchone()


@pytest.fixture
def coach(cast):
    coach = make_coach()
    assign(cast.team, coach)
    return coach


def test_text_goes_in_and_comes_out_the_same():
    token = crypto.encrypt(SECRET)
    assert token != SECRET and SECRET not in token
    assert crypto.decrypt(token) == SECRET
    assert crypto.encrypt(SECRET) != token  # no two tokens alike: equal texts do not show


def test_the_database_holds_no_plain_text(cast, coach):
    consult = ask(cast.employee, coach, message=SECRET, preferred_times=TIMES)
    message, times = stored(consult)
    assert SECRET not in message and "afkomst" not in message
    assert "dinsdag" not in times
    assert Consult.objects.get(pk=consult.pk).message == SECRET


def test_empty_text_stays_empty(cast, coach):
    consult = ask(cast.employee, coach, message="")
    assert stored(consult) == ("", "")


def test_text_written_with_an_old_key_reads_after_a_new_key_goes_in_front(cast, coach):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        consult = ask(cast.employee, coach, message=SECRET)
        old_token = stored(consult)[0]
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert Consult.objects.get(pk=consult.pk).message == SECRET
        rotated = crypto.rotate(old_token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert crypto.decrypt(rotated) == SECRET
        # Not rotated yet: without its key the old text cannot be read, and says so.
        with pytest.raises(ImproperlyConfigured):
            Consult.objects.get(pk=consult.pk)


def test_a_wrong_key_fails_closed(cast, coach):
    consult = ask(cast.employee, coach, message=SECRET)
    with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(ImproperlyConfigured):
            Consult.objects.get(pk=consult.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]):
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt(SECRET)


def test_rotate_keys_re_encrypts_everything_so_the_old_key_can_go(cast, coach):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        first = ask(cast.employee, coach, message=SECRET, preferred_times=TIMES)
        second = ask(cast.team_leader, coach, message="")
        updated_at = Consult.objects.get(pk=first.pk).updated_at
    out = StringIO()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        call_command("rotate_keys", stdout=out, stderr=StringIO())
        assert out.getvalue().startswith("2 values re-encrypted")
        again = StringIO()
        call_command("rotate_keys", stdout=again, stderr=StringIO())
        assert again.getvalue().startswith("0 values re-encrypted with the first key, 2 had it")
    message, times = stored(first)
    assert SECRET not in message and "dinsdag" not in times
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        consult = Consult.objects.get(pk=first.pk)
        assert (consult.message, consult.preferred_times) == (SECRET, TIMES)
        assert Consult.objects.get(pk=second.pk).message == ""
    # Rotating is not a change to the consult: its retention clock does not restart.
    assert consult.updated_at == updated_at


def test_rotate_keys_leaves_text_it_cannot_read_and_says_so(cast, coach):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        consult = ask(cast.employee, coach, message=SECRET)
    before = stored(consult)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        with pytest.raises(CommandError, match="could not be read"):
            call_command("rotate_keys", stdout=StringIO(), stderr=StringIO())
    assert stored(consult) == before


def test_rotate_keys_finds_every_encrypted_field():
    from navolging.lib.management.commands.rotate_keys import encrypted_fields

    found = {model._meta.label: names for model, names in encrypted_fields()}
    assert found["coaching.Consult"] == ["message", "preferred_times"]
    assert found["coaching.Visit"] == ["private_note"]


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW], FIELD_ENCRYPTION_KEYS_FROM_ENV=False)
def test_the_deploy_check_warns_when_the_key_sits_in_var():
    warnings = checks.encryption_keys_from_env()
    assert [w.id for w in warnings] == ["navolging.W001"]
    assert checks.encryption_keys_valid() == []


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD], FIELD_ENCRYPTION_KEYS_FROM_ENV=True)
def test_the_deploy_check_is_quiet_with_valid_keys_from_the_environment():
    assert checks.encryption_keys_from_env() == []
    assert checks.encryption_keys_valid() == []


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, "not-a-key"], FIELD_ENCRYPTION_KEYS_FROM_ENV=True)
def test_the_check_errs_on_a_key_that_is_not_a_fernet_key():
    errors = checks.encryption_keys_valid()
    assert [e.id for e in errors] == ["navolging.E001"]
    assert "Key 2" in errors[0].msg
    assert "not-a-key" not in errors[0].msg  # a key never ends up in output


@override_settings(FIELD_ENCRYPTION_KEYS=[])
def test_the_check_errs_without_any_key():
    assert [e.id for e in checks.encryption_keys_valid()] == ["navolging.E001"]
