"""The lists do not query once per row: the same number of queries for 2 or 6 rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from navolging.followup import services
from navolging.followup.models import Instrument, Theme

from .helpers import held, plan, record


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _practice(author, number: int):
    return services.practice_create(
        practice=services.PracticeIn(
            title=f"Verhaal {number}",
            text="Wat werkte.",
            themes=list(Theme.objects.all()[:2]),
            instrument=Instrument.OTHER,
            shared=True,
            anonymous=number % 2 == 0,
        ),
        by=author,
    )


def test_the_session_list_and_the_library_do_not_grow_with_their_rows(cast, client_as):
    office = client_as("office")
    office.get(reverse("home"))  # the first request of a login writes its session
    for number in range(2):
        record(held(plan(cast)))
        _practice(cast.team_leader.user, number)
    sessions_few = _queries(office, reverse("followup:session_list"))
    library_few = _queries(office, reverse("followup:practice_list"))
    for number in range(4):
        record(held(plan(cast)))
        _practice(cast.team_leader.user, number + 2)
    assert _queries(office, reverse("followup:session_list")) == sessions_few
    assert _queries(office, reverse("followup:practice_list")) == library_few
