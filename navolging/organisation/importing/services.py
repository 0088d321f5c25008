"""The Django side of the HR import: load the current state, store uploads between steps,
and write a plan in one transaction with its audit trail."""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.organisation.models import BaseProgramme, ImportMapping, Person, Unit, UnitKind

from . import fields
from .messages import Problem
from .plan import CurrentState, PersonState, Plan, UnitState, make_plan
from .reader import Table, read_table
from .validate import ParsedFile, validate

BATCH = 1000
UPLOAD_MAX_AGE = 24 * 3600


class HRImportInvalid(Exception):
    """The file has errors; nothing was written."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"{len(plan.errors)} error(s)")
        self.plan = plan


def render(problem: Problem) -> str:
    return problem.render(gettext)


# -- reading and mapping ----------------------------------------------------------------------
def hr_import_read(*, data: bytes, filename: str) -> Table:
    """Raises messages.FileRefused for anything that is not a safe CSV or XLSX file."""
    return read_table(
        data,
        filename,
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
    )


def import_mapping_for(*, headers: list[str]) -> tuple[dict[str, str], bool]:
    """The mapping to start from: the saved one for these headers, else the known aliases.
    Returns (mapping, was_saved)."""
    saved = ImportMapping.objects.filter(signature=fields.signature(headers)).first()
    if saved is not None:
        return fields.guess_mapping(headers, saved=saved.mapping), True
    return fields.guess_mapping(headers), False


def import_mapping_save(
    *, headers: list[str], mapping: dict[str, str], by: User | None, request=None
) -> ImportMapping:
    from navolging.audit.services import audit_record

    with transaction.atomic():
        saved, created = ImportMapping.objects.update_or_create(
            signature=fields.signature(headers),
            defaults={"headers": headers, "mapping": mapping},
        )
        audit_record(
            action="import_mapping.save",
            actor=by,
            obj=saved,
            request=request,
            changes={"created": created, "fields": sorted(f for f in mapping.values() if f)},
        )
    return saved


# -- the current state ------------------------------------------------------------------------
def hr_import_current_state() -> CurrentState:
    """Everything the comparison needs, in three queries and without model instances."""
    state = CurrentState()
    unit_codes = dict(Unit.objects.values_list("pk", "code"))
    people_rows = list(
        Person.objects.values_list(
            "pk",
            "employee_number",
            "first_name",
            "prefix",
            "last_name",
            "email",
            "job_title",
            "language",
            "unit_id",
            "active",
            "user_id",
            "user__email",
            "user__is_active",
        )
    )
    numbers = {row[0]: row[1] for row in people_rows}
    for pk, code, name, kind, parent_id, head_id, active in Unit.objects.values_list(
        "pk", "code", "name", "kind", "parent_id", "head_id", "active"
    ):
        state.units[code] = UnitState(
            pk, code, name, kind, unit_codes.get(parent_id), numbers.get(head_id), active
        )
    for row in people_rows:
        (
            pk,
            number,
            first,
            prefix,
            last,
            email,
            job,
            language,
            unit_id,
            active,
            user_id,
            user_email,
            user_active,
        ) = row
        state.people[number] = PersonState(
            pk,
            number,
            first,
            prefix,
            last,
            email.lower(),
            job,
            language,
            unit_codes[unit_id],
            active,
            user_id,
            (user_email or "").lower() or None,
            user_active,
        )
    user_person = {row[10]: row[1] for row in people_rows if row[10]}
    for pk, email in User.objects.values_list("pk", "email"):
        state.user_emails[email.lower()] = user_person.get(pk, "")
        state.user_pks[email.lower()] = pk
    return state


def hr_import_plan(
    *,
    table: Table,
    mapping: dict[str, str],
    state: CurrentState | None = None,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Validate every row and compare with the database. Writes nothing."""
    state = state if state is not None else hr_import_current_state()
    checked = validate(
        table,
        mapping,
        today=today or timezone.localdate(),
        known_unit_codes=frozenset(state.units),
        progress=progress,
    )
    if checked.parsed is None:
        return Plan(parsed=None, errors=checked.errors)
    return make_plan(checked.parsed, state, root_code=organisation_root(state))


def organisation_root(state: CurrentState) -> str | None:
    """The code of the organisation's root unit: the one active unit of kind organisation
    without a parent. None when there is none, or more than one (then it is not clear which)."""
    roots = [
        u.code
        for u in state.units.values()
        if u.active and u.kind == UnitKind.ORGANISATION and u.parent_code is None
    ]
    return roots[0] if len(roots) == 1 else None


# -- applying ---------------------------------------------------------------------------------
def hr_import_apply(
    *,
    table: Table,
    mapping: dict[str, str],
    by: User | None,
    request=None,
    filename: str = "",
    today: dt.date | None = None,
) -> Plan:
    """Validate again (the database may have changed since the preview) and write it all, or
    nothing. Raises HRImportInvalid when the file has errors."""
    with transaction.atomic():
        # Lock the units table's rows first, so two imports cannot interleave.
        list(Unit.objects.select_for_update().values_list("pk", flat=True))
        state = hr_import_current_state()
        plan = hr_import_plan(table=table, mapping=mapping, state=state, today=today)
        if plan.errors or plan.parsed is None:
            raise HRImportInvalid(plan)
        _Writer(plan, plan.parsed, state, by, request).write(filename)
    return plan


def _unusable_password() -> str:
    # What set_unusable_password() stores, made with one call instead of forty random.choice.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


class _Writer:
    def __init__(self, plan: Plan, parsed: ParsedFile, state: CurrentState, by, request) -> None:
        self.plan, self.parsed, self.state, self.by, self.request = plan, parsed, state, by, request
        self.events: list[AuditEvent] = []
        self.unit_pk = {code: u.pk for code, u in state.units.items()}
        self.person_pk = {number: p.pk for number, p in state.people.items()}

    def write(self, filename: str) -> None:
        started = time.monotonic()
        self.create_units()
        self.write_people()
        self.update_units()
        self.deactivate_people()
        self.event(
            "hr_import.apply",
            "hr_import",
            "",
            filename or "HR import",
            {
                **self.plan.counts(),
                "rows": len(self.parsed.people),
                "file": filename,
                "seconds": round(time.monotonic() - started, 2),
            },
        )
        AuditEvent.objects.bulk_create(self.events, batch_size=BATCH)

    def event(
        self, action: str, object_type: str, object_id: Any, label: str, changes: dict[str, Any]
    ) -> None:
        actor = self.by if self.by is not None and self.by.is_authenticated else None
        request = self.request
        self.events.append(
            AuditEvent(
                actor=actor,
                actor_label=(actor.email if actor is not None else "system")[:254],
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                object_label=label[:254],
                changes={k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()},
                origin_ip=request.META.get("REMOTE_ADDR") or None if request is not None else None,
                origin_agent=request.META.get("HTTP_USER_AGENT", "")[:254] if request else "",
            )
        )

    # Units first (without parent or head: those may not exist yet), then people, then the
    # links between units and heads.
    def create_units(self) -> None:
        new = [
            Unit(code=c.key, name=c.changes["name"][1], kind=c.changes["kind"][1], active=True)
            for c in self.plan.units_new
        ]
        Unit.objects.bulk_create(new, batch_size=BATCH)
        # Fetched again rather than trusting bulk_create to return keys on every backend.
        self.unit_pk.update(
            _chunked(Unit.objects.filter, "code__in", [u.code for u in new], "code", "pk")
        )

    def write_people(self) -> None:
        plan, parsed = self.plan, self.parsed
        # Logins: new people and people without one get one; an existing login without a
        # person (e.g. someone of the programme office) is linked instead.
        need_login = [c.key for c in plan.people_new if c.key not in plan.link_users]
        need_login += [
            c.key
            for c in plan.people_changed + plan.people_gone
            if "login" in c.changes and c.key not in plan.link_users
        ]
        users = [
            User(
                email=parsed.people[n].email,
                language=parsed.people[n].language or "nl",
                password=_unusable_password(),
                is_active=parsed.people[n].active,
            )
            for n in need_login
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        user_pk = dict(
            _chunked(User.objects.filter, "email__in", [u.email for u in users], "email", "pk")
        )
        # A login may have been stored with capitals; the state knows it by its lower case.
        user_pk.update((e, self.state.user_pks[e]) for e in plan.link_users.values())
        new_people = []
        for change in plan.people_new:
            record = parsed.people[change.key]
            new_people.append(
                Person(
                    employee_number=record.employee_number,
                    first_name=record.first_name,
                    prefix=record.prefix or "",
                    last_name=record.last_name,
                    email=record.email,
                    job_title=record.job_title or "",
                    language=record.language or "nl",
                    unit_id=self.unit_pk[record.unit_code],
                    active=record.active,
                    user_id=user_pk[record.email],
                )
            )
        Person.objects.bulk_create(new_people, batch_size=BATCH)
        self.person_pk.update(
            _chunked(
                Person.objects.filter,
                "employee_number__in",
                [p.employee_number for p in new_people],
                "employee_number",
                "pk",
            )
        )
        for person, change in zip(new_people, plan.people_new, strict=True):
            self.event(
                "person.create",
                "organisation.person",
                self.person_pk[person.employee_number],
                person.full_name,
                change.changes,
            )
        self.update_people(user_pk)

    def update_people(self, user_pk: dict[str, int]) -> None:
        changed = [
            c
            for c in self.plan.people_changed + self.plan.people_gone
            if c.key in self.parsed.people
        ]
        if not changed:
            return
        by_number = {c.key: c for c in changed}
        gone = {c.key for c in self.plan.people_gone}
        people = []
        user_updates: list[User] = []
        for chunk in _chunks(list(by_number), BATCH):
            people += list(Person.objects.filter(employee_number__in=chunk).select_related("user"))
        person_fields: set[str] = set()
        user_fields: set[str] = set()
        for person in people:
            change = by_number[person.employee_number]
            record = self.parsed.people[person.employee_number]
            for name, (_old, new) in change.changes.items():
                if name in (
                    "first_name",
                    "prefix",
                    "last_name",
                    "email",
                    "job_title",
                    "language",
                    "active",
                ):
                    setattr(person, name, new)
                    person_fields.add(name)
                elif name == "unit":
                    person.unit_id = self.unit_pk[new]
                    person_fields.add("unit")
                elif name == "login":
                    person.user_id = user_pk[record.email]
                    person_fields.add("user")
            login_changes = {"login_email", "login_active"}.intersection(change.changes)
            if person.user is not None and login_changes and "login" not in change.changes:
                user = person.user
                if "login_email" in change.changes:
                    user.email = record.email
                    user_fields.add("email")
                if "login_active" in change.changes:
                    user.is_active = record.active
                    user_fields.add("is_active")
                user_updates.append(user)
            action = "person.deactivate" if change.key in gone else "person.update"
            self.event(action, "organisation.person", person.pk, person.full_name, change.changes)
        if person_fields:
            Person.objects.bulk_update(people, sorted(person_fields), batch_size=BATCH)
        if user_fields:
            User.objects.bulk_update(user_updates, sorted(user_fields), batch_size=BATCH)

    def deactivate_people(self) -> None:
        """People missing from the file: inactive, never deleted; their login stops at once."""
        gone = [c for c in self.plan.people_gone if c.key not in self.parsed.people]
        if not gone:
            return
        pks = [self.state.people[c.key].pk for c in gone]
        user_pks = [
            self.state.people[c.key].user_id for c in gone if self.state.people[c.key].user_id
        ]
        for chunk in _chunks(pks, BATCH):
            Person.objects.filter(pk__in=chunk).update(active=False)
        for chunk in _chunks(user_pks, BATCH):
            User.objects.filter(pk__in=chunk).update(is_active=False)
        for change in gone:
            self.event(
                "person.deactivate",
                "organisation.person",
                self.state.people[change.key].pk,
                change.label,
                change.changes,
            )

    def update_units(self) -> None:
        touched = {c.key: c for c in self.plan.units_new + self.plan.units_changed}
        new = {c.key for c in self.plan.units_new}
        objects = []
        for chunk in _chunks(list(touched), BATCH):
            objects += list(Unit.objects.filter(code__in=chunk))
        for unit in objects:
            change = touched[unit.code]
            if "parent" in change.changes:
                parent = change.changes["parent"][1]
                unit.parent_id = self.unit_pk[parent] if parent else None
            if "head" in change.changes:
                head = change.changes["head"][1]
                unit.head_id = self.person_pk[head] if head else None
            if "name" in change.changes:
                unit.name = change.changes["name"][1]
            if "kind" in change.changes:
                unit.kind = change.changes["kind"][1]
            unit.active = True
            action = "unit.create" if unit.code in new else "unit.update"
            self.event(action, "organisation.unit", unit.pk, unit.name, change.changes)
        Unit.objects.bulk_update(
            objects, ["parent", "head", "name", "kind", "active"], batch_size=BATCH
        )
        gone = [self.unit_pk[c.key] for c in self.plan.units_gone]
        for chunk in _chunks(gone, BATCH):
            Unit.objects.filter(pk__in=chunk).update(active=False)
        for change in self.plan.units_gone:
            self.event(
                "unit.deactivate",
                "organisation.unit",
                self.unit_pk[change.key],
                change.label,
                change.changes,
            )


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _chunked(query, lookup: str, values: list, *fields_: str) -> list[tuple]:
    result: list[tuple] = []
    for chunk in _chunks(values, BATCH):
        result += list(query(**{lookup: chunk}).values_list(*fields_))
    return result


# -- keeping the upload between steps ---------------------------------------------------------
def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _upload_path(token: uuid.UUID) -> Path:
    # The name is only ever our own UUID, never anything the user sent.
    return _upload_dir() / f"{uuid.UUID(str(token)).hex}.upload"


def import_upload_store(*, data: bytes) -> uuid.UUID:
    directory = _upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in directory.glob("*.upload"):  # uploads nobody finished
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = uuid.uuid4()
    path = _upload_path(token)
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def import_upload_load(*, token: uuid.UUID) -> bytes | None:
    try:
        return _upload_path(token).read_bytes()
    except FileNotFoundError:
        return None


def import_upload_delete(*, token: uuid.UUID) -> None:
    _upload_path(token).unlink(missing_ok=True)


# -- base programme status --------------------------------------------------------------------
def base_programme_import_check(*, table: Table) -> tuple[list[Problem], list]:
    from .base_programme import validate_programmes

    unit_kinds = dict(Unit.objects.filter(active=True).values_list("code", "kind"))
    trainers = frozenset(
        e.lower()
        for e in User.objects.filter(is_trainer=True, is_active=True).values_list(
            "email", flat=True
        )
    )
    return validate_programmes(table, unit_kinds=unit_kinds, trainers=trainers)


def base_programme_import_preview(*, table: Table) -> tuple[list[Problem], list]:
    """The problems, or what each row will change (base_programme.ProgrammeChange). Writes
    nothing."""
    from .base_programme import compare_programmes

    problems, rows = base_programme_import_check(table=table)
    if problems:
        return problems, []
    codes = {r.unit_code for r in rows}
    current = {
        (p.unit.code, p.scope): (p.completed_on, sorted(t.email.lower() for t in p.trainers.all()))
        for p in BaseProgramme.objects.filter(unit__code__in=codes)
        .select_related("unit")
        .prefetch_related("trainers")
    }
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    return [], compare_programmes(rows, unit_names=names, current=current)


def base_programme_import_apply(
    *, table: Table, by: User | None, filename: str = "", request=None
) -> int:
    """Every row valid, or nothing written. Returns the number of rows. Each change is audited
    by base_programme_set; the run itself gets one event too."""
    from navolging.audit.services import audit_record
    from navolging.organisation.services import base_programme_set

    with transaction.atomic():
        problems, rows = base_programme_import_check(table=table)
        if problems:
            raise BaseProgrammeImportInvalid(problems)
        units = {u.code: u for u in Unit.objects.filter(code__in={r.unit_code for r in rows})}
        trainers = {
            u.email.lower(): u for u in User.objects.filter(is_trainer=True, is_active=True)
        }
        for row in rows:
            base_programme_set(
                unit=units[row.unit_code],
                scope=row.scope,
                completed_on=row.completed_on,
                trainers=[trainers[e] for e in row.trainers],
                by=by,
                request=request,
            )
        audit_record(
            action="base_programme.import",
            actor=by,
            object_type="organisation.baseprogramme",
            object_label=filename[:254],
            changes={"rows": len(rows), "file": filename},
            request=request,
        )
    return len(rows)


class BaseProgrammeImportInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} error(s)")
        self.problems = problems
