"""The URL x role matrix (R9), the headers on every page (R2) and no writes on GET (R16).

EXPECTED is the reviewed contract: which roles may open which URL. A URL that is not in it
fails the test, so nobody adds a page without saying who may enter.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from navolging.lib.testing import ROLES

PUBLIC = "public"
EVERYONE = {
    "employee",
    "team_leader",
    "manager",
    "trainer",
    "as_adviser",
    "office",
    "outsider",
    "admin",
}
OFFICE = {"office"}
DASHBOARD = {"office", "manager", "team_leader"}

# url name -> (roles that may enter, methods the view accepts)
EXPECTED: dict[str, tuple[set[str] | str, set[str]]] = {
    "home": (EVERYONE, {"GET"}),
    "health": (PUBLIC, {"GET"}),
    "security_txt": (PUBLIC, {"GET"}),
    "accounts:login": (PUBLIC, {"GET", "POST"}),
    "accounts:logout": (PUBLIC, {"POST"}),
    "accounts:language": (PUBLIC, {"POST"}),
    "accounts:password_reset": (PUBLIC, {"GET", "POST"}),
    "accounts:password_reset_done": (PUBLIC, {"GET"}),
    "accounts:password_reset_confirm": (PUBLIC, {"GET", "POST"}),
    "accounts:password_reset_complete": (PUBLIC, {"GET"}),
    "accounts:trainer_list": (OFFICE, {"GET"}),
    "accounts:trainer_create": (OFFICE, {"GET", "POST"}),
    "organisation:tree": (OFFICE, {"GET"}),
    "organisation:person_search": (OFFICE, {"GET"}),
    "organisation:unit_detail": (OFFICE, {"GET"}),
    "organisation:base_programme_edit": (OFFICE, {"GET", "POST"}),
    "organisation:person_detail": (OFFICE, {"GET"}),
    "organisation:import_upload": (OFFICE, {"GET", "POST"}),
    "organisation:import_mapping": (OFFICE, {"GET", "POST"}),
    "organisation:import_preview": (OFFICE, {"GET"}),
    "organisation:import_apply": (OFFICE, {"POST"}),
    "organisation:base_programme_import_upload": (OFFICE, {"GET", "POST"}),
    "organisation:base_programme_import_preview": (OFFICE, {"GET"}),
    "organisation:base_programme_import_apply": (OFFICE, {"POST"}),
    "audit:list": (OFFICE, {"GET"}),
    "intervision:my_group": (EVERYONE, {"GET"}),
    "intervision:facilitator_groups": ({"trainer"}, {"GET"}),
    "intervision:session_attendance": ({"trainer"}, {"GET", "POST"}),
    "intervision:attendance_overview": (OFFICE, {"GET"}),
    "intervision:round_list": (OFFICE, {"GET"}),
    "intervision:round_create": (OFFICE, {"GET", "POST"}),
    "intervision:round_detail": (OFFICE, {"GET"}),
    "intervision:round_move": (OFFICE, {"POST"}),
    "intervision:round_publish": (OFFICE, {"POST"}),
    "intervision:round_schedule": (OFFICE, {"POST"}),
    "intervision:round_sessions": (OFFICE, {"GET"}),
    "intervision:session_move": (OFFICE, {"GET", "POST"}),
    "intervision:settings": (OFFICE, {"GET", "POST"}),
    "intervision:closed_period_add": (OFFICE, {"POST"}),
    "intervision:closed_period_delete": (OFFICE, {"POST"}),
    "intervision:facilitator_list": (OFFICE, {"GET"}),
    # A trainer may open only their own profile (another's is 404); the office every one.
    "intervision:facilitator_edit": ({"office", "trainer"}, {"GET", "POST"}),
    "notifications:agenda": (EVERYONE, {"GET"}),
    "notifications:preferences": (EVERYONE, {"POST"}),
    "notifications:feed_renew": (EVERYONE, {"POST"}),
    "notifications:feed_revoke": (EVERYONE, {"POST"}),
    # The calendar app's subscription: no session, the token is the key (404 when unknown).
    "notifications:feed": (PUBLIC, {"GET"}),
    # Every role may try; only the item's attendees get anything but 404.
    "notifications:item": (EVERYONE, {"GET"}),
    "notifications:item_ics": (EVERYONE, {"GET"}),
    "notifications:outbox": (OFFICE, {"GET"}),
    "notifications:outbox_retry": (OFFICE, {"POST"}),
    # Own pages: someone without an HR person gets an explanation (GET) or 404; a pair that is
    # not one's own is 404 (R11).
    "buddies:mine": (EVERYONE, {"GET", "POST"}),
    "buddies:accept": (EVERYONE, {"POST"}),
    "buddies:decline": (EVERYONE, {"POST"}),
    "buddies:end": (EVERYONE, {"POST"}),
    "buddies:leave": (EVERYONE, {"GET", "POST"}),
    "buddies:office": (OFFICE, {"GET"}),
    "buddies:round_run": (OFFICE, {"POST"}),
    "buddies:rhythm": (OFFICE, {"POST"}),
    # Team coaching: every role may try; a team, visit or consult one may not read is 404
    # (R10). Planning a visit: the team's coach or manager; writing a reflection: its coach.
    "coaching:mine": (EVERYONE, {"GET"}),
    "coaching:team_detail": (EVERYONE, {"GET"}),
    "coaching:visit_plan": (EVERYONE, {"GET", "POST"}),
    "coaching:visit_detail": (EVERYONE, {"GET"}),
    "coaching:visit_edit": (EVERYONE, {"GET", "POST"}),
    "coaching:visit_cancel": (EVERYONE, {"POST"}),
    "coaching:visit_reflect": ({"trainer"}, {"GET", "POST"}),
    "coaching:coach_home": ({"trainer"}, {"GET"}),
    "coaching:consult_request": (EVERYONE, {"GET", "POST"}),
    "coaching:consult_detail": (EVERYONE, {"GET"}),
    "coaching:consult_time": ({"trainer"}, {"POST"}),
    "coaching:consult_accept": (EVERYONE, {"POST"}),
    "coaching:consult_another_time": (EVERYONE, {"POST"}),
    "coaching:consult_decline": ({"trainer"}, {"POST"}),
    "coaching:consult_close": (EVERYONE, {"POST"}),
    "coaching:consult_withdraw": (EVERYONE, {"POST"}),
    "coaching:coach_consults": ({"trainer"}, {"GET"}),
    "coaching:office": (OFFICE, {"GET"}),
    "coaching:assign": (OFFICE, {"GET", "POST"}),
    "coaching:coach_edit": (OFFICE, {"GET", "POST"}),
    "coaching:consult_figures": (OFFICE, {"GET"}),
    "coaching:settings": (OFFICE, {"GET", "POST"}),
    # Follow-up (issue 7): every role may try; a session one may not read, or a best practice
    # one did not write (to change it), is 404. Planning: the office or the unit's manager.
    "followup:session_list": (EVERYONE, {"GET"}),
    "followup:session_plan": (EVERYONE, {"GET", "POST"}),
    "followup:session_detail": (EVERYONE, {"GET"}),
    "followup:session_record": (EVERYONE, {"GET", "POST"}),
    "followup:session_move": (EVERYONE, {"GET", "POST"}),
    "followup:session_cancel": (EVERYONE, {"POST"}),
    "followup:practice_list": (EVERYONE, {"GET"}),
    "followup:practice_export": (EVERYONE, {"GET"}),
    "followup:practice_create": (EVERYONE, {"GET", "POST"}),
    "followup:practice_detail": (EVERYONE, {"GET"}),
    "followup:practice_edit": (EVERYONE, {"GET", "POST"}),
    "followup:practice_delete": (EVERYONE, {"POST"}),
    "followup:goal_list": (OFFICE, {"GET"}),
    "followup:goal_add": (OFFICE, {"GET", "POST"}),
    "followup:goal_edit": (OFFICE, {"GET", "POST"}),
    "followup:goal_move": (OFFICE, {"POST"}),
    "followup:goal_active": (OFFICE, {"POST"}),
    "followup:goal_delete": (OFFICE, {"POST"}),
    "followup:theme_add": (OFFICE, {"POST"}),
    "followup:figures": (OFFICE, {"GET"}),
    # Tailored training (issue 7): every role may try; a request one is not a party to (or the
    # trainer of, or the office for) is 404. The AS's and the trainer's lists by role.
    "training:request_list": (EVERYONE, {"GET"}),
    "training:request_create": (EVERYONE, {"GET", "POST"}),
    "training:request_detail": (EVERYONE, {"GET"}),
    "training:request_edit": (EVERYONE, {"GET", "POST"}),
    "training:request_submit": (EVERYONE, {"POST"}),
    "training:request_propose": (EVERYONE, {"GET", "POST"}),
    "training:request_view": (EVERYONE, {"POST"}),
    "training:request_send_back": (EVERYONE, {"POST"}),
    "training:request_plan": (EVERYONE, {"GET", "POST"}),
    "training:request_delivered": (EVERYONE, {"POST"}),
    "training:request_evaluate": (EVERYONE, {"POST"}),
    "training:as_waiting": ({"as_adviser"}, {"GET"}),
    "training:trainer_list": ({"trainer"}, {"GET"}),
    "training:office": (OFFICE, {"GET"}),
    # The office sees the whole organisation, a manager their own units (404 for others).
    **{
        f"dashboard:{name}": (DASHBOARD, {"GET"})
        for name in (
            "overview",
            "unit",
            "trends",
            "unit_trends",
            "export_xlsx",
            "unit_export_xlsx",
            "export_csv",
            "unit_export_csv",
            "report_pdf",
            "unit_report_pdf",
        )
    },
    "dashboard:targets": (OFFICE, {"GET", "POST"}),
}
# Namespaces with their own access control, tested in their own tests: the Django admin
# (technical administrators only) and the JSON API (session login, CSRF).
OWN_CONTROL = ("admin:", "api:")


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += _url_names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def _url(name: str, cast) -> str:
    kwargs = {
        "organisation:unit_detail": {"pk": cast.team.pk},
        "organisation:base_programme_edit": {"pk": cast.team.pk, "scope": "team"},
        "organisation:person_detail": {"pk": cast.employee.pk},
        "organisation:import_mapping": {"token": uuid.uuid4()},
        "organisation:import_preview": {"token": uuid.uuid4()},
        "organisation:import_apply": {"token": uuid.uuid4()},
        "organisation:base_programme_import_preview": {"token": uuid.uuid4()},
        "organisation:base_programme_import_apply": {"token": uuid.uuid4()},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "intervision:session_attendance": {"pk": 999999},
        "intervision:round_detail": {"pk": 999999},
        "intervision:round_move": {"pk": 999999},
        "intervision:round_publish": {"pk": 999999},
        "intervision:round_schedule": {"pk": 999999},
        "intervision:round_sessions": {"pk": 999999},
        "intervision:session_move": {"pk": 999999},
        "intervision:closed_period_delete": {"pk": 999999},
        "intervision:facilitator_edit": {"pk": 999999},
        "notifications:feed": {"token": "no-such-token"},
        "notifications:item": {"uid": uuid.uuid4()},
        "notifications:item_ics": {"uid": uuid.uuid4()},
        "buddies:accept": {"pk": 999999},
        "buddies:decline": {"pk": 999999},
        "buddies:end": {"pk": 999999},
        "coaching:team_detail": {"pk": 999999},
        "coaching:visit_plan": {"pk": 999999},
        "coaching:assign": {"pk": 999999},
        "coaching:coach_edit": {"pk": 999999},
        **{
            f"followup:{name}": {"pk": 999999}
            for name in (
                "session_detail",
                "session_record",
                "session_move",
                "session_cancel",
                "practice_detail",
                "practice_edit",
                "practice_delete",
                "goal_edit",
                "goal_move",
                "goal_active",
                "goal_delete",
            )
        },
        **{
            f"dashboard:{name}": {"pk": 999999}
            for name in ("unit", "unit_trends", "unit_export_xlsx", "unit_export_csv")
        },
        "dashboard:unit_report_pdf": {"pk": 999999},
        **{
            f"training:request_{name}": {"pk": 999999}
            for name in (
                "detail",
                "edit",
                "submit",
                "propose",
                "view",
                "send_back",
                "plan",
                "delivered",
                "evaluate",
            )
        },
        **{
            f"coaching:{name}": {"pk": uuid.uuid4()}
            for name in (
                "visit_detail",
                "visit_edit",
                "visit_cancel",
                "visit_reflect",
                "consult_detail",
                "consult_time",
                "consult_accept",
                "consult_another_time",
                "consult_decline",
                "consult_close",
                "consult_withdraw",
            )
        },
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def test_every_url_is_in_the_matrix():
    names = {n for n in _url_names() if not n.startswith(OWN_CONTROL)}
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"URLs missing from the access matrix: {missing}"
    assert not sorted(set(EXPECTED) - names), "the matrix names URLs that do not exist"


def test_every_view_states_who_may_enter():
    resolver = get_resolver()
    for name in EXPECTED:
        match = resolver.resolve(_url(name, _FakeCast()))
        assert hasattr(match.func, "allowed_roles"), f"{name} has no access decorator"


class _FakeCast:
    class _Obj:
        pk = 1

    team = employee = _Obj()


CASES = [(name, role) for name in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_access_matrix(name, role, cast, client_as):
    allowed, methods = EXPECTED[name]
    client = client_as(role)
    url = _url(name, cast)
    method = "get" if "GET" in methods else "post"
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    if allowed == PUBLIC or role in allowed:
        assert response.status_code != 403, f"{role} should enter {name}"
        if response.status_code == 302:
            assert (
                not response["Location"].startswith(reverse("accounts:login")) or allowed == PUBLIC
            )
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403, f"{role} must not enter {name}"
    if method == "get":
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "django_session" not in q["sql"]
            and "axes_" not in q["sql"]
        ]
        assert not writes, f"GET {name} wrote to the database: {writes}"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_wrong_method_is_refused(name, cast, client_as):
    _allowed, methods = EXPECTED[name]
    client = client_as("office")
    url = _url(name, cast)
    for method in {"GET", "POST", "PUT", "DELETE"} - methods:
        response = getattr(client, method.lower())(url)
        assert response.status_code == 405, f"{method} {name} gave {response.status_code}"


@pytest.mark.parametrize("name", [n for n, (_r, m) in EXPECTED.items() if "POST" in m])
def test_post_without_csrf_token_is_refused(name, cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    response = client.post(_url(name, cast), {})
    assert response.status_code == 403


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


@pytest.mark.parametrize(
    "name", [n for n, (_r, m) in EXPECTED.items() if "GET" in m] + ["admin:index"]
)
def test_every_page_sends_the_security_headers(name, cast, client_as):
    client = client_as("admin" if name.startswith("admin:") else "office")
    response = client.get(_url(name, cast), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"  # logged in: nothing in shared caches
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        csp = _csp(response)
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] in (["'none'"], ["'self'"])
        assert csp["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in csp["script-src"]
        if not name.startswith("admin:"):  # our pages load htmx with the request's nonce
            assert any(source.startswith("'nonce-") for source in csp["script-src"])


def test_admin_is_only_for_technical_administrators(cast, client_as):
    assert client_as("admin").get(reverse("admin:index")).status_code == 200
    for role in ("office", "manager", "employee", "trainer"):
        response = client_as(role).get(reverse("admin:index"))
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_matrix_can_be_exported_for_the_access_review(capsys):
    from django.core.management import call_command

    call_command("access_matrix")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("url name,path,employee,manager")
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["organisation:tree"][2:] == ["", "", "", "", "yes", ""]
    assert rows["accounts:login"][2] == "public"
    assert set(rows) >= set(EXPECTED)
