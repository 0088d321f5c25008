"""Best practices published without a name show no author anywhere: page, list, search,
session page, API, CSV export, the office's audit trail and the admin (issue 7)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import NoReverseMatch, reverse

from navolging.audit.models import AuditEvent
from navolging.followup import services
from navolging.followup.models import BestPractice, Theme
from navolging.followup.services import PracticeIn

from .helpers import held, plan, record

READERS = ["employee", "team_leader", "manager", "office", "outsider", "trainer", "admin"]


def _names(person) -> list[str]:
    return [person.full_name, person.email, person.user.email, person.last_name]


def _anonymous(cast) -> BestPractice:
    """Jan (the employee) writes a shared best practice without his name."""
    return services.practice_create(
        practice=PracticeIn(
            title="Even pauzeren",
            text="Toen het gesprek uit de hand liep, stelden we een korte pauze voor.",
            themes=list(Theme.objects.all()[:2]),
            instrument="intervision",
            shared=True,
            anonymous=True,
        ),
        by=cast.employee.user,
    )


def _no_author(text: str, cast) -> None:
    for name in _names(cast.employee):
        assert name not in text


@pytest.mark.parametrize("role", [r for r in READERS if r != "employee"])
def test_the_page_and_the_list_do_not_name_the_author(cast, client_as, role):
    practice = _anonymous(cast)
    client = client_as(role)
    page = client.get(reverse("followup:practice_detail", args=[practice.pk]))
    assert page.status_code == 200 and practice.title in page.content.decode()
    _no_author(page.content.decode(), cast)
    listed = client.get(reverse("followup:practice_list")).content.decode()
    assert practice.title in listed
    _no_author(listed, cast)
    for query in ("?q=Berg", "?q=jan.berg", "?mine=on"):
        found = client.get(reverse("followup:practice_list") + query).content.decode()
        assert practice.title not in found, query  # never found by who wrote it


@pytest.mark.parametrize("role", [r for r in READERS if r != "employee"])
def test_the_api_and_the_export_do_not_name_the_author(cast, client_as, role):
    practice = _anonymous(cast)
    named = services.practice_create(
        practice=PracticeIn(title="Met naam", text="Verhaal", shared=True),
        by=cast.outsider.user,
    )
    client = client_as(role)
    rows = client.get("/api/best-practices").json()
    by_id = {row["id"]: row for row in rows}
    assert by_id[practice.pk]["author"] is None
    assert by_id[named.pk]["author"] == cast.outsider.full_name
    assert set(by_id[practice.pk]) == {
        "id",
        "title",
        "text",
        "themes",
        "instrument",
        "created_at",
        "author",
    }
    _no_author(str(rows), cast)
    export = client.get(reverse("followup:practice_export"))
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    _no_author(text, cast)
    table = {row["id"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert table[str(practice.pk)]["author"] == ""
    assert table[str(named.pk)]["author"] == cast.outsider.full_name


def test_the_audit_trail_does_not_tie_it_to_its_author(cast, client_as):
    practice = _anonymous(cast)
    services.practice_update(
        practice=practice,
        data=PracticeIn(title="Nieuwe titel", text="Tekst", shared=True, anonymous=True),
        by=cast.employee.user,
    )
    events = AuditEvent.objects.filter(object_type="followup.bestpractice")
    assert events.count() == 2 and all(event.confidential for event in events)
    assert not AuditEvent.objects.listable().filter(actor=cast.employee.user).exists()
    office_log = client_as("office").get(reverse("audit:list")).content.decode()
    _no_author(office_log, cast)
    admin_log = client_as("admin").get(reverse("admin:audit_auditevent_changelist"))
    assert admin_log.status_code == 200
    _no_author(admin_log.content.decode(), cast)


def test_the_admin_has_no_page_that_lists_best_practices(cast):
    with pytest.raises(NoReverseMatch):
        reverse("admin:followup_bestpractice_changelist")


def test_from_a_session_it_is_not_listed_with_the_session_that_names_its_leader(cast, client_as):
    session = held(plan(cast))
    record(
        session,
        practices=[PracticeIn(title="Anoniem verhaal", text="Tekst", shared=True, anonymous=True)],
    )
    practice = BestPractice.objects.get()
    url = reverse("followup:session_detail", args=[session.pk])
    for role in ("employee", "manager", "office"):
        assert "Anoniem verhaal" not in client_as(role).get(url).content.decode()
    # Its author still finds it on the session page, and it is in the library for everyone.
    assert "Anoniem verhaal" in client_as("team_leader").get(url).content.decode()
    page = client_as("employee").get(reverse("followup:practice_detail", args=[practice.pk]))
    assert cast.team_leader.full_name not in page.content.decode()
    record_events = AuditEvent.objects.listable().filter(action="followup.session_record")
    assert "Anoniem" not in str(list(record_events.values_list("changes", flat=True)))


def test_the_author_still_sees_it_as_theirs(cast, client_as):
    practice = _anonymous(cast)
    client = client_as("employee")
    page = client.get(reverse("followup:practice_detail", args=[practice.pk])).content.decode()
    assert reverse("followup:practice_edit", args=[practice.pk]) in page
    mine = client.get(reverse("followup:practice_list") + "?mine=on").content.decode()
    assert practice.title in mine
