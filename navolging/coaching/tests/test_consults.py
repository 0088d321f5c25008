"""Confidential consult pages (issue 6, R10, R12, R17, R20): the whole flow through the pages,
the 404 for everyone but requester and coach, bad input, error reports, the audit trail, the
admin and the API."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.debug import SafeExceptionReporterFilter

from navolging.audit.models import AuditEvent
from navolging.coaching import services
from navolging.coaching.models import CoachingSettings, Consult, ConsultStatus
from navolging.lib.crypto import EncryptedTextField
from navolging.lib.testing import make_person
from navolging.notifications.models import ItemStatus, OutboxMessage, PlannedItem

from .helpers import ask, assign, make_coach, soon
from .test_privacy import normalise

SECRET = "GEHEIM-mijn-teamleider-schreeuwt-in-overleg"
TIMES_SECRET = "GEHEIM-alleen-dinsdagmiddag"


def nl(text: str, **params) -> str:
    """The Dutch the page shows, HTML-escaped as the template writes it."""
    with translation.override("nl"):
        return escape(gettext(text) % params if params else gettext(text))


@pytest.fixture
def coach(cast):
    coach = make_coach()
    assign(cast.team, coach)
    return coach


@pytest.fixture
def coach_client(coach) -> Client:
    client = Client()
    client.force_login(coach)
    return client


@pytest.fixture
def requested(cast, coach) -> Consult:
    return ask(cast.employee, coach, message=SECRET, preferred_times=TIMES_SECRET)


@pytest.fixture
def planned(cast, coach, requested) -> Consult:
    start, end = soon()
    services.consult_plan(consult=requested, starts_at=start, ends_at=end, by=coach)
    requested.refresh_from_db()
    return requested


def url(name: str, consult: Consult) -> str:
    return reverse(f"coaching:{name}", args=[consult.pk])


def time_data(days: int = 3, start: str = "10:00", end: str = "11:00", **extra) -> dict:
    day = timezone.localdate() + dt.timedelta(days=days)
    return {"day": day.isoformat(), "start": start, "end": end, "location": "Kamer 2.14", **extra}


def new_outbox(before: int) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(pk__gt=before).order_by("pk"))


def last_mail_pk() -> int:
    last = OutboxMessage.objects.order_by("-pk").first()
    return last.pk if last else 0


# -- the request page ---------------------------------------------------------------------------


def test_the_page_explains_who_sees_it_and_offers_the_own_coach_first(cast, coach, client_as):
    pool = make_coach("pool@example.org", name="Paul Pool")
    make_coach("closed@example.org", name="Chris Dicht", takes_consults=False)
    body = client_as("employee").get(reverse("coaching:consult_request")).content.decode()
    assert nl("A conversation in confidence") in body
    assert (
        nl(
            "Your manager does not see it, nor anyone above them, nor the programme office. "
            "Not even that you asked."
        )
        in body
    )
    assert (
        nl(
            "Your message is stored encrypted. It is deleted %(days)s days after the conversation "
            "is closed.",
            days=90,
        )
        in body
    )
    own = nl("%(name)s (the coach of your team)", name=coach.display_name)
    assert own in body and body.index(own) < body.index(pool.display_name)
    assert "Chris Dicht" not in body  # not open to other teams
    assert (
        nl(
            "At most %(count)s characters. Do not write names if you do not need to: "
            "you can tell the coach more in the conversation.",
            count=1000,
        )
        in body
    )
    # The counsellor and complaints texts are not filled in: no contact data invented.
    assert body.count(nl("The programme office has not filled this in yet.")) == 2


def test_the_page_shows_the_counsellor_and_complaints_texts_and_sends_them_nothing(
    cast, coach, client_as
):
    CoachingSettings.objects.create(
        pk=1,
        counsellor_nl="Vertrouwenspersoon: Mw. A. Smit, 06-12345678",
        complaints_nl="Klachtenregeling: zie intranet",
    )
    body = client_as("employee").get(reverse("coaching:consult_request")).content.decode()
    assert "Mw. A. Smit, 06-12345678" in body and "Klachtenregeling: zie intranet" in body
    assert nl("The programme office has not filled this in yet.") not in body
    assert (
        nl(
            "You can also go to the confidential counsellor, or make a complaint. Navolging sends "
            "nothing to them: you contact them yourself."
        )
        in body
    )


def test_without_any_coach_the_page_says_so(cast, client_as):
    body = client_as("employee").get(reverse("coaching:consult_request")).content.decode()
    assert (
        nl(
            "There is no coach you can ask at the moment. Please try again later, or contact the "
            "confidential counsellor."
        )
        in body
    )
    assert 'name="coach"' not in body


def test_a_login_without_a_person_gets_an_explanation_and_cannot_post(cast, coach, client_as):
    client = client_as("office")
    response = client.get(reverse("coaching:consult_request"))
    assert response.status_code == 200
    assert nl("Do you think this is a mistake? Please contact the programme office.") in (
        response.content.decode()
    )
    data = {"coach": coach.pk, "topic": "prepare", "message": SECRET}
    assert client.post(reverse("coaching:consult_request"), data).status_code == 404
    assert not Consult.objects.exists()


# -- the flow through the pages -----------------------------------------------------------------


def test_request_propose_accept_plans_it_and_both_get_a_neutral_invite(
    cast, coach, client_as, coach_client
):
    employee = client_as("employee")
    before = last_mail_pk()
    response = employee.post(
        reverse("coaching:consult_request"),
        {
            "coach": coach.pk,
            "topic": "prepare",
            "message": SECRET,
            "preferred_times": TIMES_SECRET,
        },
    )
    consult = Consult.objects.get()
    assert response.status_code == 302 and response["Location"] == url("consult_detail", consult)
    assert consult.requester == cast.employee and consult.coach == coach
    assert consult.message == SECRET and consult.status == ConsultStatus.REQUESTED
    [news] = new_outbox(before)
    assert news.recipient == coach and news.confidential

    body = coach_client.get(url("consult_detail", consult)).content.decode()
    assert SECRET in body and TIMES_SECRET in body and cast.employee.full_name in body
    assert nl("Propose this time") in body

    response = coach_client.post(url("consult_time", consult), time_data(action="propose"))
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.PROPOSED and consult.location == "Kamer 2.14"
    assert timezone.localtime(consult.starts_at).hour == 10

    body = employee.get(url("consult_detail", consult)).content.decode()
    assert nl("Accept this time") in body and nl("Ask for another time") in body
    response = employee.post(url("consult_accept", consult))
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.PLANNED and consult.item is not None
    assert consult.item.confidential
    invites = [m for m in new_outbox(before) if m.ics_method == "REQUEST"]
    assert sorted(m.recipient_id for m in invites) == sorted([coach.pk, cast.employee.user_id])
    for message in new_outbox(before):
        assert message.confidential
        for text in (message.subject, message.body_text, message.body_html, message.ics):
            assert SECRET not in text and TIMES_SECRET not in text
            assert cast.team.name not in text  # nothing that points at the matter

    body = employee.get(url("consult_detail", consult)).content.decode()
    assert reverse("notifications:item_ics", args=[consult.item.uid]) in body
    ics = employee.get(reverse("notifications:item_ics", args=[consult.item.uid]))
    assert ics.status_code == 200 and SECRET not in ics.content.decode()


def test_plan_at_once_from_a_preferred_time(cast, coach_client, requested):
    response = coach_client.post(url("consult_time", requested), time_data(action="plan"))
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ConsultStatus.PLANNED
    assert requested.item.status == ItemStatus.PLANNED


def test_the_coach_moves_a_planned_conversation_and_both_get_an_update(cast, coach_client, planned):
    body = coach_client.get(url("consult_detail", planned)).content.decode()
    assert nl("Save the new time") in body and nl("Propose this time") not in body
    before = last_mail_pk()
    response = coach_client.post(
        url("consult_time", planned), time_data(days=5, start="14:00", end="15:00", action="plan")
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert timezone.localtime(planned.starts_at).hour == 14 and planned.item.sequence == 1
    updates = [m for m in new_outbox(before) if m.ics_method == "REQUEST"]
    assert len(updates) == 2 and all(SECRET not in m.ics for m in updates)


def test_asking_for_another_time_sends_it_back_to_the_coach(cast, coach, client_as, requested):
    start, end = soon()
    services.consult_propose(consult=requested, starts_at=start, ends_at=end, by=coach)
    before = last_mail_pk()
    response = client_as("employee").post(url("consult_another_time", requested))
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ConsultStatus.REQUESTED
    assert [m.recipient_id for m in new_outbox(before)] == [coach.pk]


def test_the_coach_declines_and_the_requester_may_ask_another(
    cast, coach_client, client_as, requested
):
    response = coach_client.post(url("consult_decline", requested))
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ConsultStatus.DECLINED and requested.closed_at
    body = client_as("employee").get(url("consult_detail", requested)).content.decode()
    assert nl("The coach cannot take this on. You can ask another coach.") in body


@pytest.mark.parametrize("who", ["employee", "coach"])
def test_requester_or_coach_closes_a_planned_conversation(
    who, cast, client_as, coach_client, planned
):
    client = coach_client if who == "coach" else client_as("employee")
    response = client.post(url("consult_close", planned))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == ConsultStatus.CLOSED and planned.closed_at
    assert planned.item.status == ItemStatus.CANCELLED  # it was still to come


def test_withdrawing_deletes_the_consult_and_cancels_the_appointment(
    cast, coach, client_as, planned
):
    item_pk = planned.item.pk
    before = last_mail_pk()
    response = client_as("employee").post(url("consult_withdraw", planned))
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:consult_request")
    assert not Consult.objects.filter(pk=planned.pk).exists()
    assert not PlannedItem.objects.filter(pk=item_pk).exists()
    cancels = [m for m in new_outbox(before) if m.ics_method == "CANCEL"]
    assert {m.recipient_id for m in cancels} >= {coach.pk}
    for message in new_outbox(before):
        assert SECRET not in message.body_text + message.body_html + message.ics


def test_a_refused_action_shows_why_and_changes_nothing(cast, client_as, requested):
    response = client_as("employee").post(url("consult_accept", requested))  # nothing proposed
    assert response.status_code == 400
    assert nl("This is no longer possible: the conversation has changed meanwhile.") in (
        response.content.decode()
    )
    requested.refresh_from_db()
    assert requested.status == ConsultStatus.REQUESTED


def test_too_many_open_requests_get_a_clear_message(cast, coach, client_as):
    for _ in range(services.OPEN_CONSULTS_AT_MOST):
        ask(cast.employee, coach)
    response = client_as("employee").post(
        reverse("coaching:consult_request"), {"coach": coach.pk, "topic": "other"}
    )
    assert response.status_code == 400
    assert (
        nl(
            "You already have %(count)s open requests. Close or withdraw one first.",
            count=services.OPEN_CONSULTS_AT_MOST,
        )
        in response.content.decode()
    )
    assert Consult.objects.count() == services.OPEN_CONSULTS_AT_MOST


def test_the_coach_list_shows_open_ones_first_and_records_each_read(
    cast, coach, coach_client, planned
):
    other = make_person("2001", "Cor", "Collega", cast.team)
    closed = ask(other, coach)
    services.consult_decline(consult=closed, by=coach)
    response = coach_client.get(reverse("coaching:coach_consults"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(url("consult_detail", planned)) < body.index(url("consult_detail", closed))
    assert cast.employee.full_name in body and SECRET not in body
    reads = AuditEvent.objects.filter(action="coaching.consult_view", actor=coach)
    assert {e.object_id for e in reads} == {str(planned.pk), str(closed.pk)}
    other_trainer = Client()
    other_trainer.force_login(cast.trainer)
    body = other_trainer.get(reverse("coaching:coach_consults")).content.decode()
    assert cast.employee.full_name not in body and str(planned.pk) not in body


# -- nobody else: 404, never a hint -------------------------------------------------------------

OTHERS = ["team_leader", "manager", "director", "office", "admin", "trainer", "colleague"]
TRAINER_ONLY = {"consult_time", "consult_decline"}
ACTIONS = [
    "consult_time",
    "consult_accept",
    "consult_another_time",
    "consult_decline",
    "consult_close",
    "consult_withdraw",
]


def _client_for(role: str, cast, client_as) -> Client:
    if role == "colleague":  # same team as the requester
        client = Client()
        client.force_login(make_person("2002", "Cato", "Teamgenoot", cast.team).user)
        return client
    return client_as(role)


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_gets_404_for_the_consult_and_its_appointment(role, cast, client_as, planned):
    client = _client_for(role, cast, client_as)
    reads_before = AuditEvent.objects.filter(action="coaching.consult_view").count()
    assert client.get(url("consult_detail", planned)).status_code == 404
    assert client.get(reverse("notifications:item", args=[planned.item.uid])).status_code == 404
    assert client.get(reverse("notifications:item_ics", args=[planned.item.uid])).status_code == 404
    for action in ACTIONS:
        response = client.post(url(action, planned), time_data(action="plan"))
        unknown = client.post(
            reverse(f"coaching:{action}", args=[uuid.uuid4()]), time_data(action="plan")
        )
        expected = 403 if action in TRAINER_ONLY and role != "trainer" else 404
        assert response.status_code == expected, action
        assert unknown.status_code == expected, action  # no difference with a made-up id
        assert SECRET not in response.content.decode()
    current = Consult.objects.get(pk=planned.pk)
    assert current.status == ConsultStatus.PLANNED and current.starts_at == planned.starts_at
    assert AuditEvent.objects.filter(action="coaching.consult_view").count() == reads_before


# -- bad input: 400, nothing stored ------------------------------------------------------------


def _nothing_changed(consult: Consult, mails_before: int) -> None:
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.REQUESTED and consult.starts_at is None
    assert consult.item is None and not PlannedItem.objects.exists()
    assert new_outbox(mails_before) == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (time_data(start="11:00", end="10:00"), "The end time must be later than the start time."),
        (time_data(days=-1), "Choose a moment in the future."),
        (time_data(days=0, start="00:00", end="00:30"), "Choose a moment in the future."),
        ({"day": "morgen", "start": "10:00", "end": "11:00"}, "Give a valid date."),
    ],
)
@pytest.mark.parametrize("action", ["propose", "plan"])
def test_a_wrong_time_is_refused_and_nothing_is_stored(
    action, data, error, coach_client, requested
):
    before = last_mail_pk()
    response = coach_client.post(url("consult_time", requested), {**data, "action": action})
    assert response.status_code == 400
    assert nl(error) in response.content.decode()
    _nothing_changed(requested, before)


def test_a_time_without_an_action_is_refused(coach_client, requested):
    before = last_mail_pk()
    response = coach_client.post(url("consult_time", requested), time_data())
    assert response.status_code == 400
    assert nl("Choose to propose the time or to plan it.") in response.content.decode()
    _nothing_changed(requested, before)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"message": "x" * 1001},
            "Your message is too long. Use at most %(limit_value)s characters.",
        ),
        ({"topic": "gossip"}, "Choose what it is about."),
        ({"coach": "999999"}, "Choose one of the coaches in the list."),
        ({"preferred_times": "y" * 201}, "Use at most %(limit_value)s characters."),
    ],
)
def test_a_wrong_request_is_refused_and_nothing_is_stored(data, error, cast, coach, client_as):
    client = client_as("employee")  # logging in is recorded: before counting
    before = last_mail_pk()
    events = AuditEvent.objects.count()
    form = {"coach": coach.pk, "topic": "prepare", "message": SECRET, **data}
    response = client.post(reverse("coaching:consult_request"), form)
    assert response.status_code == 400
    limit = 1000 if "message" in data else 200
    expected = nl(error, limit_value=limit) if "limit_value" in error else nl(error)
    assert expected in response.content.decode()
    assert not Consult.objects.exists()
    assert new_outbox(before) == [] and AuditEvent.objects.count() == events


def test_a_coach_not_open_to_other_teams_cannot_be_chosen(cast, coach, client_as):
    closed = make_coach("closed@example.org", name="Chris Dicht", takes_consults=False)
    response = client_as("outsider").post(
        reverse("coaching:consult_request"), {"coach": closed.pk, "topic": "prepare"}
    )
    assert response.status_code == 400
    assert not Consult.objects.exists()


# -- errors fail closed and quietly (R20) ---------------------------------------------------------


def test_error_reports_mask_the_message_and_the_preferred_times(cast, coach, client_as):
    response = client_as("employee").post(
        reverse("coaching:consult_request"),
        {"coach": coach.pk, "topic": "prepare", "message": SECRET, "preferred_times": TIMES_SECRET},
    )
    assert response.status_code == 302
    cleaned = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleaned["message"] != SECRET and set(cleaned["message"]) == {"*"}
    assert cleaned["preferred_times"] != TIMES_SECRET
    assert cleaned["topic"] == "prepare"  # only the confidential fields are masked


def test_a_crash_shows_the_quiet_500_page_without_the_message(
    cast, coach, settings, monkeypatch, caplog
):
    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "consult_request", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.employee.user)
    with caplog.at_level(logging.ERROR):
        response = client.post(
            reverse("coaching:consult_request"),
            {"coach": coach.pk, "topic": "prepare", "message": SECRET},
        )
    body = response.content.decode()
    assert response.status_code == 500
    assert nl("Something went wrong") in body
    assert SECRET not in body and "Traceback" not in body and "RuntimeError" not in body
    assert "the database went away" in caplog.text  # logged for us, without the text
    assert SECRET not in caplog.text
    assert all(SECRET not in m.body for m in mail.outbox)
    assert not Consult.objects.exists()


# -- reads are recorded, and the office never reads that (R17) ------------------------------------


def test_every_read_is_recorded_in_the_confidential_log_the_office_never_sees(
    cast, coach, client_as, coach_client
):
    office, employee = client_as("office"), client_as("employee")  # log-ins are listed
    log_before = normalise(office.get(reverse("audit:list")).content.decode())
    consult = ask(cast.employee, coach, message=SECRET)
    employee.get(url("consult_detail", consult))
    coach_client.get(url("consult_detail", consult))
    coach_client.get(url("consult_detail", consult))
    reads = AuditEvent.objects.filter(action="coaching.consult_view", object_id=str(consult.pk))
    assert sorted(e.actor_id for e in reads) == sorted([cast.employee.user_id, coach.pk, coach.pk])
    assert all(e.confidential and e.object_type == "coaching.consult" for e in reads)
    assert all(e.changes == {} and e.object_label == "consult" for e in reads)
    assert not AuditEvent.objects.listable().filter(object_id=str(consult.pk))
    body = office.get(reverse("audit:list")).content.decode()
    assert normalise(body) == log_before  # not even a count or a new line
    assert str(consult.pk) not in body and "coaching.consult" not in body


def test_reading_a_consult_writes_only_the_read_and_nothing_else(cast, client_as, requested):
    client = client_as("employee")
    before = {e.pk for e in AuditEvent.objects.all()}
    client.get(url("consult_detail", requested))
    [event] = AuditEvent.objects.exclude(pk__in=before)
    assert event.action == "coaching.consult_view" and event.confidential


# -- the model holds what it must, and the admin knows nothing of it ------------------------------

#: Every field a consult has. A new field fails this test on purpose: a consult is read by the
#: requester and the coach alone, so what it stores (and what `manage.py purge` removes) needs a
#: privacy review first. Who and what: requester, topic, message, preferred_times, times,
#: location and item; they all go at purge. Kept for the office's counts: coach and month.
CONSULT_FIELDS = {
    "id",
    "requester",
    "coach",
    "topic",
    "message",
    "preferred_times",
    "status",
    "starts_at",
    "ends_at",
    "location",
    "item",
    "month",
    "created_at",
    "updated_at",
    "closed_at",
    "anonymised_at",
}


def test_a_new_consult_field_needs_a_privacy_review():
    assert {f.name for f in Consult._meta.concrete_fields} == CONSULT_FIELDS
    for name in ("message", "preferred_times"):
        assert isinstance(Consult._meta.get_field(name), EncryptedTextField)
    assert isinstance(Consult._meta.pk.default(), uuid.UUID)  # not enumerable


def test_the_admin_has_no_consult_and_no_changelist_shows_one(cast, client_as, planned):
    assert Consult not in admin.site._registry
    assert not [m for m in admin.site._registry if m._meta.label_lower == "coaching.consult"]
    client = client_as("admin")
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        body = response.content.decode()
        for secret in (SECRET, TIMES_SECRET, str(planned.pk), str(planned.item.uid)):
            assert secret not in body, (opts.label, secret)
    assert client.get("/beheer/coaching/consult/").status_code == 404


# -- the API -----------------------------------------------------------------------------------


def test_the_api_tells_my_coach_and_null_without_one(cast, coach, client_as):
    coach.coach_profile.phone = "06-11112222"
    coach.coach_profile.save()
    answer = client_as("employee").get("/api/coaching/my-coach").json()
    assert answer == {"name": coach.display_name, "email": coach.email, "phone": "06-11112222"}
    assert client_as("outsider").get("/api/coaching/my-coach").json() is None
    assert client_as("office").get("/api/coaching/my-coach").json() is None
    assert Client().get("/api/coaching/my-coach").status_code == 401


def test_the_api_lists_my_own_consults_without_the_message(
    cast, coach, client_as, coach_client, planned
):
    for client in (client_as("employee"), coach_client):
        [row] = client.get("/api/coaching/consults").json()
        assert set(row) == {"id", "status", "topic", "starts_at", "ends_at"}
        assert row["id"] == str(planned.pk) and row["status"] == "planned"
        assert dt.datetime.fromisoformat(row["starts_at"]) == planned.starts_at
    reads = AuditEvent.objects.filter(action="coaching.consult_view", object_id=str(planned.pk))
    assert reads.count() == 2 and all(e.confidential for e in reads)
    for role in OTHERS:
        response = _client_for(role, cast, client_as).get("/api/coaching/consults")
        assert response.status_code == 200 and response.json() == [], role
    assert Client().get("/api/coaching/consults").status_code == 401


def test_the_api_schema_loads_and_has_no_consult_text(cast, client_as):
    response = client_as("employee").get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/coaching/consults" in schema["paths"]
    assert "/api/coaching/my-coach" in schema["paths"]
    consult = schema["components"]["schemas"]["ConsultOut"]["properties"]
    assert set(consult) == {"id", "status", "topic", "starts_at", "ends_at"}
