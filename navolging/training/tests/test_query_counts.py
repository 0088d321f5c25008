"""The office overview and the lists do not query once per request: the same number of
queries for 2 or 6 requests."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .helpers import agree, proposed


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _decided(cast):
    training = proposed(cast)
    training = agree(training, cast.trainer)
    return agree(training, cast.as_adviser)


def test_the_training_lists_do_not_grow_with_their_rows(cast, client_as):
    clients = {role: client_as(role) for role in ("office", "team_leader", "as_adviser", "trainer")}
    urls = {
        "office": reverse("training:office"),
        "team_leader": reverse("training:request_list"),
        "as_adviser": reverse("training:as_waiting"),
        "trainer": reverse("training:trainer_list"),
    }
    for client in clients.values():
        client.get(reverse("home"))  # the first request of a login writes its session
    for _ in range(2):
        _decided(cast)
    few = {role: _queries(clients[role], url) for role, url in urls.items()}
    for _ in range(4):
        _decided(cast)
    many = {role: _queries(clients[role], url) for role, url in urls.items()}
    assert many == few
