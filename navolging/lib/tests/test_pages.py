from __future__ import annotations

from django.urls import reverse


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_my_page_in_dutch_by_default(cast, client_as):
    response = client_as("employee").get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="nl"' in body
    assert "Mijn pagina" in body
    assert "Fatima Amrani" in body  # the employee's manager: the team leader


def test_it_serves_security_txt(client, db):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Contact:" in text and "Expires:" in text


def test_the_as_role_carries_the_label_the_organisation_chose(cast, client_as):
    from navolging.organisation.models import OrganisationSettings

    settings = OrganisationSettings.load()
    settings.as_label_nl = "Adviseur Sociale Zaken"
    settings.save()
    body = client_as("as_adviser").get(reverse("home")).content.decode()
    assert "Adviseur Sociale Zaken" in body


def test_health_reports_a_database_outage(db):
    from unittest import mock

    from django.db import connection
    from django.db.utils import OperationalError
    from django.test import Client

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = Client().get("/health")
    assert response.status_code == 503
