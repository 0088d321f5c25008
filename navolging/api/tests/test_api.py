from __future__ import annotations

from django.test import Client


def test_the_api_needs_a_login(db):
    assert Client().get("/api/me").status_code == 401


def test_the_api_tells_me_my_roles(cast, client_as):
    response = client_as("manager").get("/api/me")
    assert response.status_code == 200
    assert response.json()["roles"] == ["employee", "manager"]


def test_the_api_has_an_openapi_schema(cast, client_as):
    assert Client().get("/api/openapi.json").status_code == 302
    response = client_as("employee").get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Navolging API"


def test_the_api_docs_need_a_login_and_load_nothing_from_another_host(cast, client_as):
    assert Client().get("/api/docs").status_code == 302
    body = client_as("employee").get("/api/docs").content.decode()
    assert "/static/ninja/" in body
    assert "cdn." not in body and "https://" not in body
