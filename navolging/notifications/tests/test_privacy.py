"""A confidential appointment, tried from the side of everyone who must not see it (R10, R12):
the requester's managers, the programme office, the technical administrator, colleagues."""

from __future__ import annotations

import pytest
from django.urls import reverse

from navolging.audit.models import AuditEvent
from navolging.notifications.models import ItemKind
from navolging.notifications.services import item_move, item_plan

from .helpers import at

SECRET = "GEHEIM-onderwerp-pesten-door-Kees"
OUTSIDERS = ["manager", "team_leader", "office", "admin", "outsider", "as_adviser"]


@pytest.fixture
def consult(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = item_plan(
            kind=ItemKind.CONSULT,
            title=SECRET,
            description=SECRET,
            starts_at=at(3, 10),
            ends_at=at(3, 11),
            attendees=[cast.employee.user, cast.trainer],
            by=cast.employee.user,
            confidential=True,
        )
        item_move(item=item, starts_at=at(4, 10), ends_at=at(4, 11), by=cast.trainer)
    return item


def _pages(role: str, item) -> list[str]:
    names = ["home", "notifications:agenda"]
    if role == "office":
        names += ["audit:list", "notifications:outbox", "organisation:tree"]
    if role == "admin":
        names += ["admin:audit_auditevent_changelist", "admin:index"]
    return [reverse(name) for name in names]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_else_finds_the_appointment_on_any_page(role, consult, cast, client_as):
    client = client_as(role)
    item_page = reverse("notifications:item", args=[consult.uid])
    assert client.get(item_page).status_code == 404
    for url in _pages(role, consult):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body, url
        assert str(consult.uid) not in body, url
        assert "planned_item" not in body, url  # not even that something was planned


def test_the_audit_trail_keeps_the_events_but_never_lists_them(consult):
    stored = AuditEvent.objects.filter(action__startswith="planned_item.")
    assert stored.count() == 2 and all(e.confidential for e in stored)
    assert not AuditEvent.objects.listable().filter(action__startswith="planned_item.").exists()
    assert all(SECRET not in str(e.changes) + e.object_label for e in stored)


def test_the_two_people_concerned_do_see_it(consult, client_as):
    for role in ("employee", "trainer"):
        body = client_as(role).get(reverse("notifications:item", args=[consult.uid])).content
        assert SECRET in body.decode()
