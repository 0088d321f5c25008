from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from navolging.followup import services
from navolging.followup.models import BestPractice, Theme
from navolging.followup.services import PracticeIn


def _write(cast, role="employee", **extra) -> BestPractice:
    values = {"title": "Titel", "text": "Een verhaal", "shared": True}
    return services.practice_create(practice=PracticeIn(**{**values, **extra}), by=cast.user(role))


def test_everyone_writes_a_best_practice_directly(cast, client_as):
    theme = Theme.objects.first()
    data = {
        "title": "Koffie",
        "text": "We bespreken het bij de koffie.",
        "themes": [theme.pk],
        "instrument": "buddy",
        "shared": "on",
    }
    response = client_as("trainer").post(reverse("followup:practice_create"), data)
    practice = BestPractice.objects.get()
    assert response.status_code == 302
    assert practice.author == cast.trainer and practice.shared and not practice.anonymous
    assert list(practice.themes.all()) == [theme] and practice.instrument == "buddy"


def test_a_best_practice_without_a_title_is_refused_and_nothing_is_stored(cast, client_as):
    response = client_as("employee").post(
        reverse("followup:practice_create"), {"text": "x", "instrument": "other"}
    )
    assert response.status_code == 400
    response = client_as("employee").post(
        reverse("followup:practice_create"), {"title": "x", "text": "y", "instrument": "nope"}
    )
    assert response.status_code == 400
    assert not BestPractice.objects.exists()


def test_an_unshared_one_is_only_for_its_author(cast, client_as):
    practice = _write(cast, shared=False, title="Prive")
    url = reverse("followup:practice_detail", args=[practice.pk])
    assert client_as("employee").get(url).status_code == 200
    for role in ("team_leader", "manager", "office", "outsider", "trainer"):
        assert client_as(role).get(url).status_code == 404
        assert (
            "Prive" not in client_as(role).get(reverse("followup:practice_list")).content.decode()
        )
        assert "Prive" not in client_as(role).get("/api/best-practices").content.decode()
    assert "Prive" not in client_as("employee").get("/api/best-practices").content.decode()


@pytest.mark.parametrize("role", ["team_leader", "manager", "office", "outsider", "admin"])
def test_only_the_author_changes_or_deletes(cast, client_as, role):
    practice = _write(cast)
    client = client_as(role)
    assert client.get(reverse("followup:practice_edit", args=[practice.pk])).status_code == 404
    response = client.post(
        reverse("followup:practice_edit", args=[practice.pk]),
        {"title": "Overschreven", "text": "x", "instrument": "other"},
    )
    assert response.status_code == 404
    assert client.post(reverse("followup:practice_delete", args=[practice.pk])).status_code == 404
    practice.refresh_from_db()
    assert practice.title == "Titel"


def test_the_author_changes_and_deletes(cast, client_as):
    practice = _write(cast)
    client = client_as("employee")
    client.post(
        reverse("followup:practice_edit", args=[practice.pk]),
        {"title": "Nieuw", "text": "Tekst", "instrument": "coaching", "anonymous": "on"},
    )
    practice.refresh_from_db()
    assert (practice.title, practice.shared, practice.anonymous) == ("Nieuw", False, True)
    client.post(reverse("followup:practice_delete", args=[practice.pk]))
    assert not BestPractice.objects.exists()


def test_the_library_searches_and_filters(cast, client_as):
    themes = list(Theme.objects.all()[:2])
    one = _write(cast, title="Pauze nemen", text="Rust", themes=[themes[0]], instrument="buddy")
    two = _write(cast, title="Meteen zeggen", text="Direct zeggen", themes=[themes[1]])
    client = client_as("outsider")
    url = reverse("followup:practice_list")

    def found(query: str) -> set[str]:
        text = client.get(url + query).content.decode()
        return {p.title for p in (one, two) if p.title in text}

    assert found("") == {one.title, two.title}
    assert found("?q=pauze") == {one.title}
    assert found("?q=direct") == {two.title}
    assert found(f"?thema={themes[1].pk}") == {two.title}
    assert found("?instrument=buddy") == {one.title}
    assert found("?q=niets+hier") == set()


def test_the_library_is_paginated(cast, client_as):
    for number in range(25):
        _write(cast, title=f"Verhaal {number:02d}")
    first = client_as("employee").get(reverse("followup:practice_list")).content.decode()
    second = client_as("employee").get(reverse("followup:practice_list") + "?pagina=2")
    assert "Verhaal 24" in first and "Verhaal 00" not in first
    assert "Verhaal 00" in second.content.decode()


def test_the_export_escapes_formulae(cast, client_as):
    _write(cast, title='=HYPERLINK("http://x")', text="@SUM(A1)")
    _write(cast, title="-2+3", text="\tTab")
    text = (
        client_as("employee").get(reverse("followup:practice_export")).content.decode("utf-8-sig")
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    cells = [value for row in rows for value in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells and "'-2+3" in cells


def test_the_export_has_only_shared_ones(cast, client_as):
    _write(cast, title="Gedeeld")
    _write(cast, title="Eigen", shared=False)
    text = client_as("employee").get(reverse("followup:practice_export")).content.decode()
    assert "Gedeeld" in text and "Eigen" not in text
