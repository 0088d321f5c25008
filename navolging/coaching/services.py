"""Team coaching workflows: assigning coaches, planning visits and their reflections, and
confidential consults (SECURITY R10, R12, R17).

A consult's audit events are confidential (never listed), name only the consult's opaque id
and carry no topic or text; its mails are neutral and confidential; its calendar item is
confidential, so invites say "Afspraak" and nothing else.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.audit.services import audit_record
from navolging.notifications.models import ItemKind, ItemStatus
from navolging.notifications.services import (
    item_attendees_set,
    item_cancel,
    item_move,
    item_plan,
    notify,
)
from navolging.organisation.models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind

from .models import (
    OPEN_STATUSES,
    CoachAssignment,
    CoachingSettings,
    CoachProfile,
    Consult,
    ConsultStatus,
    ConsultTopic,
    Visit,
    VisitKind,
)

#: A requester has at most this many consults open at once (a guard against mistakes and
#: against flooding a coach, not a rule of the programme).
OPEN_CONSULTS_AT_MOST = 5


class CoachingError(ValueError):
    """A coaching action that cannot be done now; `code` tells the page which message to show."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# -- coaches and their teams -------------------------------------------------------------------


def involved_trainers(team: Unit) -> set[int]:
    """The trainers (user pks) of the team's base programme: the natural choice of coach."""
    return set(
        BaseProgramme.trainers.through.objects.filter(
            baseprogramme__unit=team, baseprogramme__scope=ProgrammeScope.TEAM
        ).values_list("user_id", flat=True)
    )


def coach_profile_save(
    *, user: User, capacity: int, phone: str, takes_consults: bool, by: User, request=None
) -> CoachProfile:
    if not user.is_trainer:
        raise CoachingError("not_a_trainer")
    with transaction.atomic():
        profile, created = CoachProfile.objects.get_or_create(user=user)
        old = {"capacity": profile.capacity, "phone": profile.phone}
        old["takes_consults"] = profile.takes_consults
        profile.capacity, profile.phone, profile.takes_consults = capacity, phone, takes_consults
        profile.save()
        new = {"capacity": capacity, "phone": phone, "takes_consults": takes_consults}
        audit_record(
            action="coaching.profile_save",
            actor=by,
            obj=user,
            request=request,
            changes={
                k: [None if created else old[k], v]
                for k, v in new.items()
                if created or old[k] != v
            },
        )
    return profile


def coach_assign(
    *, team: Unit, coach: User, by: User, reason: str = "", request=None
) -> CoachAssignment:
    """Make `coach` the team's coach. A coach outside the team's own trainers needs a reason;
    a coach never gets more teams than their capacity."""
    reason = reason.strip()
    if team.kind != UnitKind.TEAM or not team.active:
        raise CoachingError("not_a_team")
    if not (coach.is_trainer and coach.is_active):
        raise CoachingError("not_a_trainer")
    if coach.pk not in involved_trainers(team) and not reason:
        raise CoachingError("reason_needed")
    with transaction.atomic():
        # Lock the coach's row: two assignments at once cannot both take the last place.
        User.objects.select_for_update().filter(pk=coach.pk).first()
        current = CoachAssignment.objects.filter(team=team).select_related("coach").first()
        if current is not None and current.coach_id == coach.pk and current.reason == reason:
            return current
        profile = CoachProfile.objects.filter(user=coach).first()
        capacity = profile.capacity if profile else CoachProfile._meta.get_field("capacity").default
        taken = CoachAssignment.objects.filter(coach=coach).exclude(team=team).count()
        if taken >= capacity:
            raise CoachingError("over_capacity", capacity=capacity)
        old_coach = current.coach if current else None
        assignment, _created = CoachAssignment.objects.update_or_create(
            team=team,
            defaults={"coach": coach, "reason": reason, "assigned_at": timezone.now()},
        )
        audit_record(
            action="coaching.assign",
            actor=by,
            obj=team,
            request=request,
            changes={
                "coach": [old_coach.email if old_coach else None, coach.email],
                "reason": reason,
            },
        )
        if old_coach is None or old_coach.pk != coach.pk:
            notify(user=coach, template="coach_assigned", context={"team": team.name})
            leader = team.leader()
            if leader is not None and leader.user_id and leader.active:
                notify(
                    user=leader.user,
                    template="team_coach_new",
                    context={"team": team.name, "coach": coach.display_name},
                )
    return assignment


def coach_unassign(*, team: Unit, by: User, request=None) -> None:
    with transaction.atomic():
        current = CoachAssignment.objects.filter(team=team).select_related("coach").first()
        if current is None:
            return
        current.delete()
        audit_record(
            action="coaching.unassign",
            actor=by,
            obj=team,
            request=request,
            changes={"coach": [current.coach.email, None]},
        )


# -- visits ------------------------------------------------------------------------------------


def may_plan_visit(user: User, team: Unit) -> bool:
    """The team's coach and the team's manager plan visits."""
    assignment = CoachAssignment.objects.filter(team=team).first()
    if assignment is not None and assignment.coach_id == user.pk:
        return True
    leader = team.leader()
    return leader is not None and leader.user_id == user.pk


def _visit_attendees(team: Unit, coach: User, invite_team: bool) -> list[User]:
    people: list[User] = [coach]
    leader = team.leader()
    if leader is not None and leader.user_id and leader.active:
        people.append(leader.user)
    if invite_team:
        members = Person.objects.active().filter(unit=team, user__isnull=False)
        people += [p.user for p in members.select_related("user")]
    return people


def visit_plan(
    *,
    team: Unit,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    location: str = "",
    invite_team: bool = False,
    request=None,
) -> Visit:
    """Plan the coach's visit to a team meeting; coach and manager (and the team) are invited."""
    assignment = CoachAssignment.objects.filter(team=team).select_related("coach").first()
    if assignment is None:
        raise CoachingError("no_coach")
    if not may_plan_visit(by, team):
        raise CoachingError("not_allowed")
    if starts_at <= timezone.now():
        raise CoachingError("in_the_past")
    coach = assignment.coach
    with transaction.atomic():
        item = item_plan(
            kind=ItemKind.COACH_VISIT,
            title=f"{VisitKind(kind).label}: {team.name}",
            starts_at=starts_at,
            ends_at=ends_at,
            attendees=_visit_attendees(team, coach, invite_team),
            organiser=by,
            location=location,
            by=by,
        )
        visit = Visit.objects.create(
            team=team, coach=coach, kind=kind, item=item, invite_team=invite_team, planned_by=by
        )
        audit_record(
            action="coaching.visit_plan",
            actor=by,
            obj=visit,
            request=request,
            changes={"team": team.name, "kind": kind, "invite_team": invite_team},
        )
    return visit


def visit_move(
    *,
    visit: Visit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    invite_team: bool,
    by: User,
    request=None,
) -> Visit:
    if not may_plan_visit(by, visit.team):
        raise CoachingError("not_allowed")
    if visit.item.status == ItemStatus.CANCELLED:
        raise CoachingError("cancelled")
    with transaction.atomic():
        item_move(item=visit.item, starts_at=starts_at, ends_at=ends_at, location=location, by=by)
        if invite_team != visit.invite_team:
            item_attendees_set(
                item=visit.item,
                attendees=_visit_attendees(visit.team, visit.coach, invite_team),
                by=by,
            )
            visit.invite_team = invite_team
            visit.save(update_fields=["invite_team"])
        audit_record(action="coaching.visit_move", actor=by, obj=visit, request=request, changes={})
    return visit


def visit_cancel(*, visit: Visit, by: User, request=None) -> Visit:
    if not may_plan_visit(by, visit.team):
        raise CoachingError("not_allowed")
    with transaction.atomic():
        item_cancel(item=visit.item, by=by)
        audit_record(action="coaching.visit_cancel", actor=by, obj=visit, request=request)
    return visit


@sensitive_variables("reflection", "private_note")
def visit_reflect(
    *, visit: Visit, reflection: str, private_note: str, by: User, request=None
) -> Visit:
    """The coach's mirror for the team and its manager, and the coach's own notes. The audit
    row says which of the two changed, never the text."""
    if by.pk != visit.coach_id:
        raise CoachingError("not_allowed")
    if visit.item.status == ItemStatus.CANCELLED:
        raise CoachingError("cancelled")
    if visit.item.starts_at > timezone.now():
        raise CoachingError("not_yet")
    reflection, private_note = reflection.strip(), private_note.strip()
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        changed = []
        first_reflection = bool(reflection) and not visit.reflection
        if reflection != visit.reflection:
            visit.reflection = reflection
            visit.reflection_at = timezone.now() if reflection else None
            changed += ["reflection", "reflection_at"]
        if private_note != visit.private_note:
            visit.private_note = private_note
            changed.append("private_note")
        if not changed:
            return visit
        visit.save(update_fields=changed)
        audit_record(
            action="coaching.visit_reflect",
            actor=by,
            obj=visit,
            request=request,
            changes={field: "changed" for field in changed if field != "reflection_at"},
        )
        if first_reflection:
            readers = [a.user for a in visit.item.attendances.select_related("user")]
            for user in readers:
                if user.pk != by.pk and user.is_active:
                    notify(
                        user=user,
                        template="visit_reflection",
                        context={"team": visit.team.name, "visit_id": str(visit.pk)},
                    )
    return visit


# -- confidential consults ---------------------------------------------------------------------


def _record(action: str, *, consult: Consult, by, request=None, **changes) -> None:
    """A consult's audit row: confidential, its id only, never a topic, text or name."""
    audit_record(
        action=f"coaching.consult_{action}",
        actor=by,
        object_type="coaching.consult",
        object_id=str(consult.pk),
        object_label="consult",
        changes=changes,
        request=request,
        confidential=True,
    )


def _tell(user: User, news: str) -> None:
    """A neutral mail about a consult: no name, no topic, only "log in to see"."""
    if user.is_active:
        notify(user=user, template="consult_news", context={"news": news}, confidential=True)


def may_consult(person: Person, coach: User) -> bool:
    """Anyone may ask their own team's coach, or any coach open to consults from any team."""
    if not (coach.is_trainer and coach.is_active):
        return False
    if CoachAssignment.objects.filter(team_id=person.unit_id, coach=coach).exists():
        return True
    return CoachProfile.objects.filter(user=coach, takes_consults=True).exists()


@sensitive_variables("message", "preferred_times")
def consult_request(
    *,
    requester: Person,
    coach: User,
    topic: str,
    message: str = "",
    preferred_times: str = "",
    request=None,
) -> Consult:
    if not requester.active or requester.user_id is None:
        raise CoachingError("not_allowed")
    if topic not in ConsultTopic.values:
        raise CoachingError("topic")
    if not may_consult(requester, coach):
        raise CoachingError("coach_not_available")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=requester.pk).first()
        open_now = Consult.objects.filter(requester=requester, status__in=OPEN_STATUSES).count()
        if open_now >= OPEN_CONSULTS_AT_MOST:
            raise CoachingError("too_many_open", count=OPEN_CONSULTS_AT_MOST)
        consult = Consult.objects.create(
            requester=requester,
            coach=coach,
            topic=topic,
            message=message.strip(),
            preferred_times=preferred_times.strip(),
        )
        _record("request", consult=consult, by=requester.user, request=request)
        _tell(coach, "new")
    return consult


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise CoachingError("ends_before_start")
    if starts_at <= timezone.now():
        raise CoachingError("in_the_past")


def _locked(consult: Consult) -> Consult:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to requester.
    return (
        Consult.objects.select_for_update(of=("self",))
        .select_related("requester__user")
        .get(pk=consult.pk)
    )


def consult_propose(
    *,
    consult: Consult,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    location: str = "",
    request=None,
) -> Consult:
    """The coach proposes a time; the requester accepts it or asks for another."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        consult = _locked(consult)
        if by.pk != consult.coach_id:
            raise CoachingError("not_allowed")
        if consult.status not in (ConsultStatus.REQUESTED, ConsultStatus.PROPOSED):
            raise CoachingError("not_now")
        consult.starts_at, consult.ends_at, consult.location = starts_at, ends_at, location
        consult.status = ConsultStatus.PROPOSED
        consult.save(update_fields=["starts_at", "ends_at", "location", "status", "updated_at"])
        _record("propose", consult=consult, by=by, request=request)
        _tell(consult.requester.user, "proposal")
    return consult


def consult_plan(
    *,
    consult: Consult,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    location: str = "",
    request=None,
) -> Consult:
    """The coach takes a time (one the requester offered): planned at once, both invited."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        consult = _locked(consult)
        if by.pk != consult.coach_id:
            raise CoachingError("not_allowed")
        if consult.status not in OPEN_STATUSES:
            raise CoachingError("not_now")
        consult.starts_at, consult.ends_at, consult.location = starts_at, ends_at, location
        _planned(consult, by=by, request=request)
    return consult


def consult_accept(*, consult: Consult, by: User, request=None) -> Consult:
    """The requester accepts the proposed time: planned, both invited."""
    with transaction.atomic():
        consult = _locked(consult)
        if consult.requester is None or by.pk != consult.requester.user_id:
            raise CoachingError("not_allowed")
        if consult.status != ConsultStatus.PROPOSED:
            raise CoachingError("not_now")
        if consult.starts_at <= timezone.now():
            raise CoachingError("in_the_past")
        _planned(consult, by=by, request=request)
    return consult


def consult_another_time(*, consult: Consult, by: User, request=None) -> Consult:
    """The requester cannot make the proposed time: back to the coach."""
    with transaction.atomic():
        consult = _locked(consult)
        if consult.requester is None or by.pk != consult.requester.user_id:
            raise CoachingError("not_allowed")
        if consult.status != ConsultStatus.PROPOSED:
            raise CoachingError("not_now")
        consult.status = ConsultStatus.REQUESTED
        consult.save(update_fields=["status", "updated_at"])
        _record("another_time", consult=consult, by=by, request=request)
        _tell(consult.coach, "another_time")
    return consult


def _planned(consult: Consult, *, by: User, request) -> None:
    """Plan or move the consult's appointment: a confidential item, so every invite and
    reminder is neutral (R12)."""
    if consult.item is not None and consult.item.status != ItemStatus.CANCELLED:
        item_move(
            item=consult.item,
            starts_at=consult.starts_at,
            ends_at=consult.ends_at,
            location=consult.location,
            by=by,
        )
    else:
        consult.item = item_plan(
            kind=ItemKind.CONSULT,
            title="",
            starts_at=consult.starts_at,
            ends_at=consult.ends_at,
            attendees=[consult.coach, consult.requester.user],
            organiser=consult.coach,
            location=consult.location,
            confidential=True,
            by=by,
        )
    consult.status = ConsultStatus.PLANNED
    consult.month = timezone.localdate(consult.starts_at).replace(day=1)
    consult.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "location",
            "item",
            "status",
            "month",
            "updated_at",
        ]
    )
    _record("plan", consult=consult, by=by, request=request)


def consult_decline(*, consult: Consult, by: User, request=None) -> Consult:
    """The coach cannot take it on (for instance: too close to the matter). The requester
    may ask another coach."""
    with transaction.atomic():
        consult = _locked(consult)
        if by.pk != consult.coach_id:
            raise CoachingError("not_allowed")
        if consult.status not in (ConsultStatus.REQUESTED, ConsultStatus.PROPOSED):
            raise CoachingError("not_now")
        consult.status = ConsultStatus.DECLINED
        consult.closed_at = timezone.now()
        consult.save(update_fields=["status", "closed_at", "updated_at"])
        _record("decline", consult=consult, by=by, request=request)
        _tell(consult.requester.user, "declined")
    return consult


def consult_close(*, consult: Consult, by: User, request=None) -> Consult:
    """Requester or coach closes the consult; the retention period starts."""
    with transaction.atomic():
        consult = _locked(consult)
        if by.pk not in (
            consult.coach_id,
            consult.requester.user_id if consult.requester else None,
        ):
            raise CoachingError("not_allowed")
        if consult.status != ConsultStatus.PLANNED:
            raise CoachingError("not_now")
        if consult.item is not None and consult.item.starts_at > timezone.now():
            item_cancel(item=consult.item, by=by)
        consult.status = ConsultStatus.CLOSED
        consult.closed_at = timezone.now()
        consult.save(update_fields=["status", "closed_at", "updated_at"])
        _record("close", consult=consult, by=by, request=request)
    return consult


def consult_withdraw(*, consult: Consult, by: User, request=None) -> None:
    """The requester takes the request back: the appointment is cancelled and everything
    about the consult is deleted at once."""
    with transaction.atomic():
        consult = _locked(consult)
        if consult.requester is None or by.pk != consult.requester.user_id:
            raise CoachingError("not_allowed")
        if consult.status not in OPEN_STATUSES:
            raise CoachingError("not_now")
        item = consult.item
        if item is not None and item.status != ItemStatus.CANCELLED:
            item_cancel(item=item, by=by)  # the coach gets the neutral cancellation
        else:
            _tell(consult.coach, "withdrawn")
        _record("withdraw", consult=consult, by=by, request=request)
        consult.delete()
        if item is not None:
            item.delete()


def consult_seen(*, consult: Consult, by: User, request=None) -> None:
    """Every read of a consult is recorded (R17), in the confidential part of the log."""
    _record("view", consult=consult, by=by, request=request)


def consults_anonymise(*, cutoff: dt.datetime, now: dt.datetime | None = None) -> int:
    """Retention (R18): remove who and what from consults kept long enough; the coach and the
    month stay for the office's counts. Their appointments are deleted with them."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = list(
            Consult.objects.due_for_purge(cutoff)
            .select_for_update(of=("self",))  # item is a nullable join: PostgreSQL refuses it
            .select_related("item")
        )
        for consult in due:
            item = consult.item
            consult.requester = None
            consult.topic = consult.message = consult.preferred_times = consult.location = ""
            consult.starts_at = consult.ends_at = None
            consult.item = None
            if consult.is_open:
                consult.status = ConsultStatus.CLOSED
                consult.closed_at = consult.closed_at or now
            consult.anonymised_at = now
            consult.save()
            # Only the month stays of when it was asked and closed.
            month = dt.datetime.combine(
                consult.month or timezone.localdate(consult.created_at).replace(day=1),
                dt.time(),
                tzinfo=timezone.get_current_timezone(),
            )
            Consult.objects.filter(pk=consult.pk).update(
                created_at=month, closed_at=month, updated_at=month
            )
            _audit_anonymise(consult, item)
            if item is not None:
                item.delete()
            count += 1
    return count


def _audit_anonymise(consult: Consult, item) -> None:
    """The consult's confidential audit rows (and its appointment's) keep what happened and
    when, no longer who: otherwise the log would tie the requester to the consult after the
    consult itself forgot them. The only change retention ever makes to audit rows."""
    rows = AuditEvent.objects.filter(confidential=True).filter(
        Q(object_type="coaching.consult", object_id=str(consult.pk))
        | (
            Q(object_type="notifications.planneditem", object_id=str(item.pk))
            if item is not None
            else Q(pk__in=[])
        )
    )
    rows.update(actor=None, actor_label="", changes={}, origin_ip=None, origin_agent="")


def settings_save(*, by: User, request=None, **values) -> CoachingSettings:
    with transaction.atomic():
        current = CoachingSettings.load()
        old = {key: getattr(current, key) for key in values}
        for key, value in values.items():
            setattr(current, key, value)
        current.save()
        audit_record(
            action="coaching.settings",
            actor=by,
            obj=current,
            request=request,
            changes={k: [old[k], v] for k, v in values.items() if old[k] != v},
        )
    return current
