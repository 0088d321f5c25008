"""Planning a round by hand and by the engine: closed days, facilitators' days, groups added
later, moving a session (flags shown, refused until confirmed) and the planning settings."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision import planning, schedule
from navolging.intervision.models import (
    ClosedPeriod,
    FacilitatorProfile,
    Group,
    IntervisionSettings,
    Membership,
    Round,
    Session,
)
from navolging.lib.testing import make_person
from navolging.notifications.models import ItemKind, OutboxMessage, PlannedItem

ZONE = planning.ZONE


def _group(round_, name, facilitator, people) -> Group:
    group = Group.objects.create(round=round_, name=name, facilitator=facilitator)
    Membership.objects.bulk_create(Membership(group=group, person=p) for p in people)
    return group


@pytest.fixture
def plan(cast):
    """A published round in 2027 with two groups that share one member, each with its own
    facilitator."""
    second = User.objects.create_user("tom@example.org", name="Tom Trainer", is_trainer=True)
    people = [make_person(f"20{i:02d}", f"Lid{i}", "Test", cast.department) for i in range(12)]
    round_ = Round.objects.create(
        name="2027 eerste helft",
        mode="structured",
        starts_on=dt.date(2027, 1, 11),
        ends_on=dt.date(2027, 7, 2),
        status="published",
    )
    mt = _group(round_, "MT Burgerzaken", cast.trainer, people[0:5])
    heads = _group(round_, "Directie Dienstverlening", second, people[4:9])
    return SimpleNamespace(round=round_, mt=mt, heads=heads, second=second, people=people)


def _plan_sessions(client, round_):
    return client.post(reverse("intervision:round_schedule", args=[round_.pk]))


def _days(group) -> list[dt.date]:
    return [
        s.item.starts_at.astimezone(ZONE).date()
        for s in group.sessions.select_related("item").order_by("number")
    ]


def _bookings(round_) -> list[schedule.Flag]:
    current = planning.round_current(round_)
    return [f for f in schedule.check(current.schedule) if f.kind in planning.BOOKINGS]


def test_closed_periods_and_school_holidays_get_no_sessions(plan, client_as):
    office = client_as("office")
    response = office.post(
        reverse("intervision:settings"),
        {"attendance_threshold": 75, "school_regions": ["midden"]},
    )
    assert response.status_code == 302
    office.post(
        reverse("intervision:closed_period_add"),
        {"name": "Reorganisatie", "starts_on": "2027-03-01", "ends_on": "2027-04-09"},
    )
    response = _plan_sessions(office, plan.round)
    assert response["Location"] == reverse("intervision:round_sessions", args=[plan.round.pk])
    days = _days(plan.mt) + _days(plan.heads)
    assert len(_days(plan.mt)) >= 3 and len(_days(plan.heads)) >= 3
    spring = (dt.date(2027, 2, 22), dt.date(2027, 2, 26))  # voorjaarsvakantie, region midden
    may = (dt.date(2027, 4, 26), dt.date(2027, 4, 30))  # meivakantie
    closed = (dt.date(2027, 3, 1), dt.date(2027, 4, 9))
    for first, last in (spring, may, closed):
        assert not [day for day in days if first <= day <= last], (first, days)
    assert planning.round_current(plan.round).plan.school_regions == ("midden",)


def test_sessions_fall_on_the_facilitators_days_only(plan, cast, client_as):
    FacilitatorProfile.objects.create(user=cast.trainer, weekdays=[2, 4], sessions_per_day=1)
    _plan_sessions(client_as("office"), plan.round)
    days = _days(plan.mt)
    assert days
    assert {day.isoweekday() for day in days} <= {2, 4}


def test_a_second_run_plans_only_new_groups_and_double_books_nobody(plan, cast, client_as):
    office = client_as("office")
    _plan_sessions(office, plan.round)
    before = {
        s.pk: (s.item.starts_at, s.item.ends_at)
        for s in Session.objects.filter(group__round=plan.round).select_related("item")
    }
    # A group added later: the MT's facilitator, and a member of each existing group.
    late = _group(plan.round, "MT Belastingen", cast.trainer, [plan.people[0], *plan.people[8:]])
    dissolved = _group(plan.round, "Opgeheven", plan.second, plan.people[9:])
    dissolved.dissolved_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    dissolved.save(update_fields=["dissolved_at"])
    response = _plan_sessions(office, plan.round)
    assert response.status_code == 302
    after = {
        s.pk: (s.item.starts_at, s.item.ends_at)
        for s in Session.objects.filter(group__in=[plan.mt, plan.heads]).select_related("item")
    }
    assert after == before  # planned sessions stay where they were
    assert len(_days(late)) >= 3
    assert not dissolved.sessions.exists()
    assert _bookings(plan.round) == []
    # Nothing left to plan: a third click plans nothing.
    count = Session.objects.count()
    _plan_sessions(office, plan.round)
    assert Session.objects.count() == count


def test_a_move_that_makes_the_gap_too_short_is_refused_until_confirmed(plan, cast, client_as):
    office = client_as("office")
    _plan_sessions(office, plan.round)
    first, second = plan.mt.sessions.select_related("item").order_by("number")[:2]
    old_start = second.item.starts_at
    day = first.item.starts_at.astimezone(ZONE).date() + dt.timedelta(weeks=2)
    url = reverse("intervision:session_move", args=[second.pk])
    data = {"day": day.isoformat(), "start": "13:30"}

    outbox = OutboxMessage.objects.count()
    response = office.post(url, data)
    assert response.status_code == 200
    assert 'name="accept_flags"' in response.content.decode()
    second.item.refresh_from_db()
    assert second.item.starts_at == old_start
    assert OutboxMessage.objects.count() == outbox

    response = office.post(url, {**data, "accept_flags": "1"})
    assert response.status_code == 302
    second.item.refresh_from_db()
    new_start = dt.datetime.combine(day, dt.time(13, 30), ZONE)
    assert second.item.starts_at == new_start
    assert second.item.ends_at == new_start + dt.timedelta(hours=2)
    attendees = set(second.item.attendances.values_list("user__email", flat=True))
    updates = OutboxMessage.objects.order_by("pk")[outbox:]
    assert {m.to_email for m in updates} == attendees
    assert all(m.ics_method == "REQUEST" for m in updates)
    event = AuditEvent.objects.get(action="intervision.session_move")
    assert "gap_too_short" in event.changes["accepted_flags"][1]
    assert event.changes["starts_at"] == [old_start.isoformat(), new_start.isoformat()]
    # The schedule page shows the short gap next to the moved session.
    page = office.get(reverse("intervision:round_sessions", args=[plan.round.pk])).content.decode()
    shown = [
        text
        for _group, rows in planning.round_overview(plan.round)
        for row in rows
        if row.session.pk == second.pk
        for text in row.problems
    ]
    assert shown and all(text in page for text in shown)


def test_a_move_that_breaks_nothing_goes_through_at_once(plan, client_as):
    office = client_as("office")
    _plan_sessions(office, plan.round)
    last = plan.heads.sessions.select_related("item").order_by("-number").first()
    current = planning.round_current(plan.round)
    start = last.item.starts_at.astimezone(ZONE)
    # The other slot of the same day, if the engine finds nothing wrong with it.
    other = dt.time(13, 30) if start.time() < dt.time(12) else dt.time(9, 0)
    moved = schedule.move_session(
        current.schedule, current.engine[last.pk], dt.datetime.combine(start.date(), other)
    )
    assert moved.flags == []
    flags = planning.session_move(
        session=last, new_start=dt.datetime.combine(start.date(), other), by=None
    )
    assert flags == []
    last.item.refresh_from_db()
    assert last.item.starts_at.astimezone(ZONE).time() == other


def test_a_past_session_cannot_be_moved(plan, cast, client_as):
    starts = dt.datetime(2026, 2, 2, 9, 0, tzinfo=ZONE)
    item = PlannedItem.objects.create(
        kind=ItemKind.INTERVISION,
        title="MT",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    session = Session.objects.create(group=plan.mt, item=item, number=1)
    url = reverse("intervision:session_move", args=[session.pk])
    office = client_as("office")
    assert 'name="day"' not in office.get(url).content.decode()
    response = office.post(url, {"day": "2027-03-02", "start": "09:00", "accept_flags": "1"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.starts_at == starts
    with pytest.raises(planning.SessionInPast):
        planning.session_move(
            session=session,
            new_start=dt.datetime(2027, 3, 2, 9, 0),
            by=cast.office,
            accept_flags=True,
        )


def test_the_settings_page_refuses_bad_input_and_stores_nothing(cast, client_as):
    office = client_as("office")
    response = office.post(
        reverse("intervision:settings"),
        {"attendance_threshold": 101, "tell_manager": "on", "school_regions": ["zuid"]},
    )
    assert response.status_code == 400
    assert _("Give a whole number from 0 to 100.") in response.content.decode()
    assert not IntervisionSettings.objects.exists()
    response = office.post(
        reverse("intervision:closed_period_add"),
        {"name": "Zomer", "starts_on": "2027-07-30", "ends_on": "2027-07-01"},
    )
    assert response.status_code == 400
    assert _("The last day cannot be before the first day.") in response.content.decode()
    assert not ClosedPeriod.objects.exists()

    office.post(
        reverse("intervision:settings"),
        {"attendance_threshold": 60, "tell_manager": "on", "school_regions": ["zuid", "noord"]},
    )
    stored = IntervisionSettings.objects.get(pk=1)
    assert (stored.attendance_threshold, stored.tell_manager) == (60, True)
    assert stored.school_regions == ["noord", "zuid"]
    assert AuditEvent.objects.filter(action="intervision.settings").exists()


def test_a_closed_period_can_be_deleted(cast, client_as):
    period = ClosedPeriod.objects.create(
        name="Kerst", starts_on=dt.date(2027, 12, 24), ends_on=dt.date(2027, 12, 31)
    )
    office = client_as("office")
    assert "Kerst" in office.get(reverse("intervision:settings")).content.decode()
    office.post(reverse("intervision:closed_period_delete", args=[period.pk]))
    assert not ClosedPeriod.objects.exists()
    assert AuditEvent.objects.filter(action="intervision.closed_period_delete").exists()


def test_a_trainer_sets_their_own_days_but_not_their_number_of_groups(cast, client_as):
    trainer = client_as("trainer")
    url = reverse("intervision:facilitator_edit", args=[cast.trainer.pk])
    assert url in trainer.get(reverse("intervision:facilitator_groups")).content.decode()
    assert 'name="max_groups"' not in trainer.get(url).content.decode()
    response = trainer.post(url, {"weekdays": ["1", "3"], "sessions_per_day": 1, "max_groups": 9})
    assert response["Location"] == reverse("intervision:facilitator_groups")
    profile = FacilitatorProfile.objects.get(user=cast.trainer)
    assert (profile.weekdays, profile.sessions_per_day, profile.max_groups) == ([1, 3], 1, 4)


def test_another_trainers_profile_is_not_found(cast, client_as):
    other = User.objects.create_user("tom@example.org", name="Tom Trainer", is_trainer=True)
    url = reverse("intervision:facilitator_edit", args=[other.pk])
    trainer = client_as("trainer")
    assert trainer.get(url).status_code == 404
    assert trainer.post(url, {"weekdays": ["1"], "sessions_per_day": 1}).status_code == 404
    assert not FacilitatorProfile.objects.exists()


def test_the_office_sets_every_trainers_profile(cast, client_as):
    office = client_as("office")
    page = office.get(reverse("intervision:facilitator_list")).content.decode()
    assert cast.trainer.display_name in page
    url = reverse("intervision:facilitator_edit", args=[cast.trainer.pk])
    response = office.post(url, {"weekdays": [], "sessions_per_day": 3, "max_groups": 6})
    assert response.status_code == 400
    assert not FacilitatorProfile.objects.exists()
    office.post(url, {"weekdays": ["2", "5"], "sessions_per_day": 2, "max_groups": 6})
    profile = FacilitatorProfile.objects.get(user=cast.trainer)
    assert (profile.weekdays, profile.max_groups) == ([2, 5], 6)
    # Not a trainer: no profile to set.
    assert (
        office.get(reverse("intervision:facilitator_edit", args=[cast.office.pk])).status_code
        == 404
    )


def test_every_flag_kind_reads_as_a_sentence_with_names(plan, cast):
    a = schedule.Session(plan.mt.pk, dt.date(2027, 3, 2), dt.time(9), dt.time(11))
    b = schedule.Session(plan.heads.pk, dt.date(2027, 3, 2), dt.time(9), dt.time(11))
    member = plan.people[4]
    flags = [
        schedule.Flag(schedule.GAP_TOO_SHORT, "", plan.mt.pk, (a, a), weeks=2),
        schedule.Flag(schedule.GAP_TOO_LONG, "", plan.mt.pk, (a, a), weeks=11),
        schedule.Flag(schedule.FACILITATOR_DOUBLE_BOOKED, "", None, (a, b), (cast.trainer.pk,)),
        schedule.Flag(schedule.MEMBER_DOUBLE_BOOKED, "", None, (a, b), (member.pk,)),
        schedule.Flag(schedule.FACILITATOR_UNAVAILABLE, "", plan.mt.pk, (a,), (cast.trainer.pk,)),
        schedule.Flag(schedule.FACILITATOR_DAY_LIMIT, "", None, (a, b), (cast.trainer.pk,)),
        schedule.Flag(schedule.CLOSED_DAY, "", plan.mt.pk, (a,)),
        schedule.Flag(schedule.OUTSIDE_PERIOD, "", plan.mt.pk, (a,)),
        schedule.Flag(schedule.OUTSIDE_HOURS, "", plan.mt.pk, (a,)),
        schedule.Flag(schedule.UNKNOWN_GROUP, "", 0, (a,)),
        schedule.Flag(schedule.UNKNOWN_FACILITATOR, "", plan.mt.pk),
        schedule.Flag(
            schedule.NO_SLOT,
            f"No free slot for group {plan.mt.pk} in working weeks 3-5 of the period "
            "(2027-01-25 to 2027-02-12): 15 open days, facilitator 1 available on 6, fully "
            "booked on 6; members already in another session: x",
            plan.mt.pk,
            who=(cast.trainer.pk, member.pk),
            facts=(
                ("first", dt.date(2027, 1, 25)),
                ("last", dt.date(2027, 2, 12)),
                ("open_days", 15),
                ("available", 6),
                ("full", 6),
            ),
        ),
        schedule.Flag(
            schedule.FACILITATOR_OVERLOADED,
            "Facilitator 1 has 9 groups but can give only 8 sessions in working weeks 1-8 of "
            "the period: every group needs one in any 8 working weeks",
            None,
            who=(cast.trainer.pk,),
            facts=(("groups", 9), ("sessions", 8), ("weeks", 8)),
        ),
    ]
    engine_kinds = {v for k, v in vars(schedule).items() if k.isupper() and isinstance(v, str)}
    assert {f.kind for f in flags} == engine_kinds  # a new kind needs its sentence here
    texts = planning.flag_texts(flags, round_=plan.round)
    assert len(texts) == len(flags) and all(texts)
    assert not any(text == "" or "Group " + str(plan.mt.pk) in text for text in texts)
    assert "MT Burgerzaken" in texts[0] and "Tamara Trainer" in texts[2]
    assert member.full_name in texts[3] and member.full_name in texts[11]
    assert "15" in texts[11] and "25" in texts[11]  # the figures, from the flag's facts
    assert "8" in texts[12] and "9" in texts[12]


def test_a_session_moved_past_the_next_one_takes_its_number(plan, cast):
    planning.round_schedule(round_=plan.round, by=cast.office)
    first, second = plan.mt.sessions.select_related("item").order_by("number")[:2]
    later = second.item.starts_at + dt.timedelta(days=1)
    flags = planning.session_move(session=first, new_start=later, by=cast.office)
    assert flags  # the gaps change: refused, nothing renumbered
    assert plan.mt.sessions.get(pk=first.pk).number == 1
    planning.session_move(session=first, new_start=later, by=cast.office, accept_flags=True)
    assert plan.mt.sessions.get(pk=first.pk).number == 2
    assert plan.mt.sessions.get(pk=second.pk).number == 1


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_office_plans_checks_and_moves_in_a_browser(visit, browser_cast):
    """The pages as the office meets them, each checked with axe (WCAG 2.1 AA)."""
    from navolging.lib.browser import assert_no_axe_violations, log_in, screenshot

    cast = browser_cast
    second = User.objects.create_user("tom@example.org", name="Tom Trainer", is_trainer=True)
    people = [make_person(f"20{i:02d}", f"Lid{i}", "Test", cast.department) for i in range(9)]
    round_ = Round.objects.create(
        name="2027 eerste helft",
        mode="structured",
        starts_on=dt.date(2027, 1, 11),
        ends_on=dt.date(2027, 7, 2),
        status="published",
    )
    mt = _group(round_, "MT Burgerzaken", cast.trainer, people[:5])
    _group(round_, "Directie", second, people[4:])
    log_in(visit, cast.office.email)
    page = visit.page
    visit.open("intervision:round_detail", round_.pk)
    with page.expect_navigation():
        page.click("form[action$='/planning/'] button[type=submit]")
    assert page.url == visit.url("intervision:round_sessions", round_.pk)
    assert_no_axe_violations(page)
    first, moving = mt.sessions.select_related("item").order_by("number")[:2]
    with page.expect_navigation():
        page.click(f"a[href='{reverse('intervision:session_move', args=[moving.pk])}']")
    day = first.item.starts_at.astimezone(ZONE).date() + dt.timedelta(weeks=2)
    page.fill("input[name=day]", day.isoformat())
    page.fill("input[name=start]", "13:30")
    with page.expect_navigation():
        page.click("main form.nv-narrow button[type=submit]")
    assert page.locator("button[name=accept_flags]").count() == 1
    assert_no_axe_violations(page)
    screenshot(page, "intervision-move-flags")
    with page.expect_navigation():
        page.click("button[name=accept_flags]")
    assert page.url == visit.url("intervision:round_sessions", round_.pk)
    assert_no_axe_violations(page)
    screenshot(page, "intervision-schedule")
    for name in ("intervision:settings", "intervision:facilitator_list"):
        visit.open(name)
        assert_no_axe_violations(page)
    visit.open("intervision:facilitator_edit", cast.trainer.pk)
    assert_no_axe_violations(page)
