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
