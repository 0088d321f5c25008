"""Follow-up workflows: programme goals, planning and recording sessions, best practices.

Best practices and the audit trail: every event about a best practice is recorded
confidential (kept, never listed to the office or in the admin). A best practice can be made
anonymous at any time, and a listed "X wrote best practice Y" from before would still tie it
to its author. The record of a session names who recorded it (that is no secret: the session
page says who leads it) but never which best practices came with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from navolging.accounts.models import User
from navolging.audit.services import audit_record
from navolging.notifications.models import ItemKind, ItemStatus
from navolging.notifications.services import item_cancel, item_move, item_plan, notify
from navolging.organisation.models import Unit

from . import selectors
from .models import (
    BestPractice,
    FollowUpSession,
    Goal,
    GoalProgress,
    Instrument,
    Theme,
)


class FollowUpError(ValueError):
    """An action that cannot be done now; `code` tells the page which message to show."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# -- programme goals --------------------------------------------------------------------------


def goal_save(
    *, text_nl: str, text_en: str = "", by: User, goal: Goal | None = None, request=None
) -> Goal:
    """Add a goal (at the end of the list) or change its wording."""
    text_nl, text_en = text_nl.strip(), text_en.strip()
    if not text_nl:
        raise FollowUpError("text_needed")
    with transaction.atomic():
        if goal is None:
            last = Goal.objects.aggregate(last=Max("order"))["last"]
            goal = Goal.objects.create(
                text_nl=text_nl, text_en=text_en, order=0 if last is None else last + 1
            )
            changes = {"text_nl": text_nl, "text_en": text_en}
            action = "followup.goal_add"
        else:
            goal = Goal.objects.select_for_update().get(pk=goal.pk)
            changes = {
                name: [getattr(goal, name), value]
                for name, value in (("text_nl", text_nl), ("text_en", text_en))
                if getattr(goal, name) != value
            }
            if not changes:
                return goal
            goal.text_nl, goal.text_en = text_nl, text_en
            goal.save(update_fields=["text_nl", "text_en"])
            action = "followup.goal_edit"
        audit_record(action=action, actor=by, obj=goal, request=request, changes=changes)
    return goal


def goal_move(*, goal: Goal, up: bool, by: User, request=None) -> None:
    """Swap a goal with the one above (or below) it in the list."""
    with transaction.atomic():
        goals = list(Goal.objects.select_for_update().order_by("order", "pk"))
        for number, each in enumerate(goals):  # make the order 0..n-1 first
            each.order = number
        index = next(i for i, each in enumerate(goals) if each.pk == goal.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(goals):
            return
        goals[index].order, goals[other].order = other, index
        Goal.objects.bulk_update(goals, ["order"])
        audit_record(
            action="followup.goal_move",
            actor=by,
            obj=goal,
            request=request,
            changes={"order": [index, other]},
        )


def goal_set_active(*, goal: Goal, active: bool, by: User, request=None) -> Goal:
    """Take a goal out of use (its scores stay, with their history) or back into use."""
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if goal.active == active:
            return goal
        goal.active = active
        goal.save(update_fields=["active"])
        audit_record(
            action="followup.goal_active",
            actor=by,
            obj=goal,
            request=request,
            changes={"active": [not active, active]},
        )
    return goal


def goal_delete(*, goal: Goal, by: User, request=None) -> None:
    """Only a goal no session has scored can go; one with scores is taken out of use."""
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if GoalProgress.objects.filter(goal=goal).exists():
            raise FollowUpError("goal_has_progress")
        audit_record(
            action="followup.goal_delete",
            actor=by,
            obj=goal,
            request=request,
            changes={"text_nl": goal.text_nl},
        )
        goal.delete()


def theme_save(
    *, name_nl: str, name_en: str = "", by: User, theme: Theme | None = None, request=None
) -> Theme:
    name_nl, name_en = name_nl.strip(), name_en.strip()
    if not name_nl:
        raise FollowUpError("text_needed")
    taken = Theme.objects.filter(name_nl__iexact=name_nl)
    if theme is not None:
        taken = taken.exclude(pk=theme.pk)
    if taken.exists():
        raise FollowUpError("theme_exists")
    with transaction.atomic():
        created = theme is None
        old = {} if created else {"name_nl": theme.name_nl, "name_en": theme.name_en}
        theme = theme or Theme()
        theme.name_nl, theme.name_en = name_nl, name_en
        theme.save()
        new = {"name_nl": name_nl, "name_en": name_en}
        audit_record(
            action="followup.theme_add" if created else "followup.theme_edit",
            actor=by,
            obj=theme,
            request=request,
            changes={k: [old.get(k), v] for k, v in new.items() if old.get(k) != v},
        )
    return theme


# -- sessions ---------------------------------------------------------------------------------


def session_plan(
    *,
    unit: Unit,
    scope: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    led_by: User,
    participants: Iterable[User],
    by: User,
    location: str = "",
    request=None,
) -> FollowUpSession:
    """Plan a follow-up session; the participants and whoever leads it get the invite."""
    if not selectors.may_plan_for(by, unit) or not unit.active:
        raise FollowUpError("not_allowed")
    if scope not in selectors.scopes_for(unit):
        raise FollowUpError("scope")
    if ends_at <= starts_at:
        raise FollowUpError("ends_before_start")
    if starts_at <= timezone.now():
        raise FollowUpError("in_the_past")
    if not selectors.led_by_choices(unit, by).filter(pk=led_by.pk).exists():
        raise FollowUpError("led_by")
    people = [led_by, *participants]
    with transaction.atomic():
        item = item_plan(
            kind=ItemKind.FOLLOWUP,
            title=f"{ItemKind.FOLLOWUP.label}: {unit.name}",
            starts_at=starts_at,
            ends_at=ends_at,
            attendees=people,
            organiser=by,
            location=location,
            by=by,
        )
        session = FollowUpSession.objects.create(
            unit=unit, scope=scope, item=item, led_by=led_by, planned_by=by
        )
        audit_record(
            action="followup.session_plan",
            actor=by,
            obj=session,
            request=request,
            changes={"unit": unit.name, "scope": scope, "led_by": led_by.email},
        )
    return session


def _may_change(session: FollowUpSession, by: User) -> None:
    """Whoever may plan for the unit may move or cancel its session, until it starts."""
    if not selectors.may_plan_for(by, session.unit):
        raise FollowUpError("not_allowed")
    if session.item.status == ItemStatus.CANCELLED:
        raise FollowUpError("cancelled")
    if session.item.starts_at <= timezone.now():
        raise FollowUpError("started")


def session_move(
    *,
    session: FollowUpSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    location: str = "",
    request=None,
) -> FollowUpSession:
    """Another time or place; everyone invited gets the updated invite."""
    _may_change(session, by)
    if ends_at <= starts_at:
        raise FollowUpError("ends_before_start")
    if starts_at <= timezone.now():
        raise FollowUpError("in_the_past")
    with transaction.atomic():
        item_move(item=session.item, starts_at=starts_at, ends_at=ends_at, location=location, by=by)
        audit_record(action="followup.session_move", actor=by, obj=session, request=request)
    return session


def session_cancel(*, session: FollowUpSession, by: User, request=None) -> FollowUpSession:
    """Cancel a session that has not started; everyone invited gets the cancellation."""
    _may_change(session, by)
    with transaction.atomic():
        item_cancel(item=session.item, by=by)
        audit_record(action="followup.session_cancel", actor=by, obj=session, request=request)
    return session


@dataclass
class PracticeIn:
    """A best practice as a form hands it over."""

    title: str
    text: str
    themes: list[Theme] = field(default_factory=list)
    instrument: str = Instrument.OTHER
    shared: bool = False
    anonymous: bool = False


def session_record(
    *,
    session: FollowUpSession,
    version: int,
    progress: dict[int, tuple[int | None, str]],
    went_well: str,
    needs_more: bool,
    need_what: str,
    need_why: str,
    by: User,
    practices: Iterable[PracticeIn] = (),
    request=None,
) -> FollowUpSession:
    """Write (or change) what a session found. `progress` maps each active goal's pk to
    (score or None when it was not discussed, remark). `version` is the version the form was
    made on: a record saved meanwhile by someone else is never overwritten (R22).

    The first time, the unit's manager is told the record is there."""
    need_what, need_why = need_what.strip(), need_why.strip()
    if by.pk != session.led_by_id:
        raise FollowUpError("not_allowed")
    if session.item.status == ItemStatus.CANCELLED:
        raise FollowUpError("cancelled")
    if session.item.starts_at > timezone.now():
        raise FollowUpError("not_yet")
    if needs_more and not (need_what and need_why):
        raise FollowUpError("need_what_why")
    goals = {goal.pk: goal for goal in Goal.objects.active()}
    for goal_pk, (score, _remark) in progress.items():
        if goal_pk not in goals or (score is not None and score not in GoalProgress.Score.values):
            raise FollowUpError("score")
    practices = list(practices)
    for practice in practices:
        _check_practice(practice)
    with transaction.atomic():
        locked = FollowUpSession.objects.select_for_update().get(pk=session.pk)
        if locked.version != version:
            raise FollowUpError("conflict")
        first = locked.recorded_at is None
        _progress_write(locked, progress)
        locked.went_well = went_well.strip()
        locked.needs_more = needs_more
        locked.need_what, locked.need_why = (need_what, need_why) if needs_more else ("", "")
        locked.recorded_at = locked.recorded_at or timezone.now()
        locked.version += 1
        locked.save(
            update_fields=[
                "went_well",
                "needs_more",
                "need_what",
                "need_why",
                "recorded_at",
                "version",
            ]
        )
        for practice in practices:
            _practice_create(practice, author=by, session=locked, request=request)
        audit_record(
            action="followup.session_record",
            actor=by,
            obj=locked,
            request=request,
            changes={
                "first": first,
                "scores": sum(1 for score, _r in progress.values() if score is not None),
                "needs_more": needs_more,
            },
        )
        if first:
            _tell_managers(locked, by)
    return locked


def _progress_write(session: FollowUpSession, progress: dict[int, tuple[int | None, str]]):
    existing = {p.goal_id: p for p in session.progress.all()}
    for goal_pk, (score, remark) in progress.items():
        current = existing.get(goal_pk)
        if score is None:
            if current is not None:
                current.delete()
        elif current is None:
            GoalProgress.objects.create(
                session=session, goal_id=goal_pk, score=score, remark=remark.strip()[:500]
            )
        elif (current.score, current.remark) != (score, remark.strip()[:500]):
            current.score, current.remark = score, remark.strip()[:500]
            current.save(update_fields=["score", "remark"])


def _tell_managers(session: FollowUpSession, by: User) -> None:
    leader = session.unit.leader()
    if leader is None or not leader.active or not leader.user_id or leader.user_id == by.pk:
        return
    if not leader.user.is_active:
        return
    notify(
        user=leader.user,
        template="followup_recorded",
        context={
            "unit": session.unit.name,
            "date": session.item.starts_at,
            "session_id": session.pk,
        },
    )


# -- best practices ---------------------------------------------------------------------------


def _check_practice(practice: PracticeIn) -> None:
    if not practice.title.strip() or not practice.text.strip():
        raise FollowUpError("practice_incomplete")
    if practice.instrument not in Instrument.values:
        raise FollowUpError("instrument")


def _practice_audit(action: str, practice: BestPractice, *, by: User, request, **changes) -> None:
    """Confidential, always (see the module docstring): the office's log never ties a best
    practice to whoever wrote it."""
    audit_record(
        action=f"followup.practice_{action}",
        actor=by,
        object_type="followup.bestpractice",
        object_id=str(practice.pk),
        object_label="best practice",
        changes=changes,
        request=request,
        confidential=True,
    )


def _practice_create(
    practice: PracticeIn, *, author: User, session: FollowUpSession | None, request
) -> BestPractice:
    created = BestPractice.objects.create(
        title=practice.title.strip(),
        text=practice.text.strip(),
        instrument=Instrument.FOLLOWUP if session is not None else practice.instrument,
        author=author,
        shared=practice.shared,
        anonymous=practice.anonymous,
        session=session,
    )
    created.themes.set(practice.themes)
    _practice_audit(
        "add",
        created,
        by=author,
        request=request,
        shared=practice.shared,
        anonymous=practice.anonymous,
    )
    return created


def practice_create(*, practice: PracticeIn, by: User, request=None) -> BestPractice:
    """Write a best practice directly (not from a session)."""
    _check_practice(practice)
    with transaction.atomic():
        return _practice_create(practice, author=by, session=None, request=request)


def practice_update(
    *, practice: BestPractice, data: PracticeIn, by: User, request=None
) -> BestPractice:
    if practice.author_id != by.pk:
        raise FollowUpError("not_allowed")
    _check_practice(data)
    with transaction.atomic():
        practice = BestPractice.objects.select_for_update().get(pk=practice.pk)
        practice.title, practice.text = data.title.strip(), data.text.strip()
        practice.shared, practice.anonymous = data.shared, data.anonymous
        if practice.session_id is None:
            practice.instrument = data.instrument
        practice.save()
        practice.themes.set(data.themes)
        _practice_audit(
            "edit",
            practice,
            by=by,
            request=request,
            shared=data.shared,
            anonymous=data.anonymous,
        )
    return practice


def practice_delete(*, practice: BestPractice, by: User, request=None) -> None:
    if practice.author_id != by.pk:
        raise FollowUpError("not_allowed")
    with transaction.atomic():
        _practice_audit("delete", practice, by=by, request=request)
        practice.delete()
