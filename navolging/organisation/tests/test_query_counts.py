"""Pages that list units or people must not run more queries for a bigger organisation.

The demo is built at two sizes and each page is asked for the same thing at both: the query
counts must be equal. A page that grows has an N+1 that 100,000 employees would feel.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from navolging.accounts.models import User
from navolging.organisation import demo
from navolging.organisation.models import Person, UnitKind

SMALL, LARGE = 120, 600
MAX_QUERIES = 20  # a page that needs more than this is doing something per row


def _pages() -> list[tuple[str, User, str]]:
    users = {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }
    office, manager, employee = users["office"], users["manager"], users["employee"]
    department = manager.person.headed_units.get(kind=UnitKind.DEPARTMENT)
    common = (
        Person.objects.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")[0]
    )
    search = reverse("organisation:person_search") + "?q=" + common["last_name"]
    return [
        ("tree", office, reverse("organisation:tree")),
        ("department", office, reverse("organisation:unit_detail", args=[department.pk])),
        ("team", office, reverse("organisation:unit_detail", args=[employee.person.unit_id])),
        ("search", office, search),
        ("person", office, reverse("organisation:person_detail", args=[manager.person.pk])),
        ("home employee", employee, reverse("home")),
        ("home manager", manager, reverse("home")),
    ]


def _query_counts(size: int) -> dict[str, int]:
    counts = {}
    # A savepoint per size: the second demo needs the database empty again.
    with transaction.atomic():
        call_command("demo", size=size, seed=11, verbosity=0)
        for name, user, url in _pages():
            client = Client()
            client.force_login(user)
            assert client.get(url).status_code == 200, name  # warm caches and session first
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts[name] = len(queries)
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_the_organisation():
    small, large = _query_counts(SMALL), _query_counts(LARGE)
    assert small == large
    assert max(small.values()) <= MAX_QUERIES, small
