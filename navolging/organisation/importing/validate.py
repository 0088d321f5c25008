"""Checks every row of an HR file and builds the organisation it describes.

Pure: a Table and a column mapping in, a ParsedFile (people, units, warnings) or a list of
problems out. Every problem names its row and column so the office can fix the export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .fields import (
    DEPARTMENT,
    DIRECTORATE,
    LABELS,
    LEVELS,
    ORGANISATION,
    OTHER,
    TEAM,
    Shape,
    check_mapping,
    detect_shape,
)
from .messages import Problem, gettext_noop
from .reader import Table

# Model field lengths (organisation.models), checked here so the write never fails halfway.
MAX_LENGTH = {
    "employee_number": 32,
    "first_name": 100,
    "prefix": 30,
    "last_name": 150,
    "email": 254,
    "job_title": 200,
    "manager_number": 32,
    "unit_head": 32,
    "unit_code": 64,
    "parent_code": 64,
    "unit_name": 200,
}
UNIT_NAME_MAX = 200
CODE_MAX = 64
EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]\"']+@[^@\s,;<>()\[\]\"']+\.[a-z0-9-]{2,}$", re.IGNORECASE)
YES = {"1", "ja", "j", "yes", "y", "x", "waar", "true", "wahr"}
NO = {"", "0", "nee", "n", "no", "onwaar", "false", "-"}
LANGUAGES = {
    "": "nl",
    "nl": "nl",
    "nld": "nl",
    "dut": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "en": "en",
    "eng": "en",
    "engels": "en",
    "english": "en",
    "nl-nl": "nl",
    "en-gb": "en",
    "en-us": "en",
}
KINDS = {
    "organisatie": ORGANISATION,
    "organisation": ORGANISATION,
    "organization": ORGANISATION,
    "directie": DIRECTORATE,
    "directorate": DIRECTORATE,
    "sector": DIRECTORATE,
    "afdeling": DEPARTMENT,
    "department": DEPARTMENT,
    "team": TEAM,
    "overig": OTHER,
    "other": OTHER,
    "anders": OTHER,
}
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y")


@dataclass
class PersonRecord:
    row: int
    employee_number: str
    first_name: str
    last_name: str
    email: str  # lower-cased
    unit_code: str
    active: bool = True
    # None: the column is not in the file, so the current value stays.
    prefix: str | None = None
    job_title: str | None = None
    language: str | None = None
    manager_number: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.prefix, self.last_name) if p)


@dataclass
class UnitRecord:
    code: str
    row: int  # first row that mentions it
    # None: not known from the file (keep what the database has).
    name: str | None = None
    kind: str | None = None
    parent_code: str | None = None
    parent_known: bool = False  # False: the file says nothing about the parent; keep it
    head_number: str | None = None
    head_known: bool = False  # False: keep the current head
    referenced_only: bool = False  # a parent from the database that nobody in the file sits in


@dataclass
class ParsedFile:
    people: dict[str, PersonRecord]
    units: dict[str, UnitRecord]
    shape: Shape
    fields: frozenset[str]
    warnings: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field -> the file's column name


@dataclass
class Checked:
    errors: list[Problem]
    parsed: ParsedFile | None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """True for text a spreadsheet would run: "=HYPERLINK(...)", "@SUM(...)", "+A1".

    A plain number such as "-12" or a phone number "+31 20 123" is data, not a formula.
    """
    if not value.startswith(FORMULA_STARTS):
        return False
    if value[0] in "+-":
        return not value[1:].replace(" ", "").replace(".", "").replace(",", "").isdigit()
    return True


def parse_date(text: str) -> dt.date | None:
    """dd-mm-jjjj as Dutch Excel writes it, or ISO; None when it is no date."""
    text = text.strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def path_code(names: list[str]) -> str:
    """A stable unit code from its path ('Dienstverlening/Burgerzaken/Team Balie' ->
    'dienstverlening/burgerzaken/team-balie'); long paths keep a readable start and a hash."""
    code = "/".join(slug(n) or "x" + hashlib.sha1(n.encode()).hexdigest()[:6] for n in names)
    if len(code) > CODE_MAX:
        digest = hashlib.sha1(code.encode()).hexdigest()[:10]
        code = f"{code[: CODE_MAX - 11]}~{digest}"
    return code


def validate(
    table: Table,
    mapping: Mapping[str, str],
    *,
    today: dt.date,
    known_unit_codes: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row; return all problems, or the parsed organisation when there are none."""
    problems = check_mapping(mapping)
    shape = detect_shape(mapping)
    if problems or shape is None:
        return Checked(problems, None)
    return _Validator(table, mapping, shape, today, known_unit_codes, progress).run()


class _Validator:
    def __init__(self, table, mapping, shape, today, known_unit_codes, progress) -> None:
        self.table: Table = table
        self.shape: Shape = shape
        self.today: dt.date = today
        self.known_unit_codes: frozenset[str] = known_unit_codes
        self.progress = progress
        # field -> (column index, header)
        self.columns: dict[str, tuple[int, str]] = {
            f: (table.headers.index(h), h) for h, f in mapping.items() if f and h in table.headers
        }
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.people: dict[str, PersonRecord] = {}
        self.units: dict[str, UnitRecord] = {}
        self.emails: dict[str, int] = {}
        self.unit_names: dict[str, Counter[str]] = defaultdict(Counter)
        self.head_votes: dict[str, Counter[str]] = defaultdict(Counter)  # explicit heads
        self.head_rows: dict[tuple[str, str], int] = {}
        self.first_rows: dict[str, int] = {}
        self.seen_numbers: set[str] = set()  # also from rows with errors: no knock-on errors

    # -- helpers --------------------------------------------------------------------------
    def error(self, row: int, name: str, message: str, /, **params) -> None:
        column = self.columns[name][1] if name in self.columns else LABELS.get(name, name)
        self.errors.append(Problem(message, params, row, column))

    def cell(self, cells: list[str], name: str) -> str | None:
        if name not in self.columns:
            return None
        return cells[self.columns[name][0]].strip()

    def text(self, row: int, cells: list[str], name: str, required: bool = False) -> str | None:
        value = self.cell(cells, name)
        if value is None:
            return None
        value = " ".join(value.split())  # HR systems pad and double spaces
        if looks_like_formula(value):
            # A name or title that a spreadsheet would run as a formula is an attack, or a
            # broken export; either way nobody should meet it later in an export of ours.
            self.error(
                row,
                name,
                gettext_noop(
                    "“%(value)s” looks like a formula. Navolging takes no formulas: "
                    "enter the value itself."
                ),
                value=value[:40],
            )
        elif required and not value:
            self.error(row, name, gettext_noop("This field is required."))
        elif len(value) > MAX_LENGTH.get(name, UNIT_NAME_MAX):
            self.error(
                row,
                name,
                gettext_noop("Too long: at most %(max)s characters."),
                max=MAX_LENGTH.get(name, UNIT_NAME_MAX),
            )
        return value

    # -- the run --------------------------------------------------------------------------
    def run(self) -> Checked:
        for index, (number, cells) in enumerate(
            zip(self.table.numbers, self.table.rows, strict=True)
        ):
            self.row(number, cells)
            if self.progress is not None and index % 500 == 499:
                self.progress(500)
        if self.progress is not None:
            self.progress(len(self.table.rows) % 500)
        if not self.table.rows:
            self.errors.append(Problem(gettext_noop("The file has no rows below the headers.")))
        self.check_units()
        self.check_managers()
        self.check_heads()
        if not self.errors:
            self.settle_unit_names()
            self.settle_heads()
        parsed = ParsedFile(
            self.people,
            self.units,
            self.shape,
            frozenset(self.columns),
            self.warnings,
            {name: header for name, (_index, header) in self.columns.items()},
        )
        return Checked(self.errors, None if self.errors else parsed)

    def row(self, row: int, cells: list[str]) -> None:
        before = len(self.errors)
        number = self.text(row, cells, "employee_number", required=True) or ""
        first = self.text(row, cells, "first_name", required=True) or ""
        last = self.text(row, cells, "last_name", required=True) or ""
        prefix = self.text(row, cells, "prefix")
        job_title = self.text(row, cells, "job_title")
        email = (self.text(row, cells, "email", required=True) or "").lower()
        if email and not EMAIL_RE.match(email):
            self.error(
                row,
                "email",
                gettext_noop("“%(value)s” is not a valid e-mail address."),
                value=email,
            )
        elif email in self.emails:
            self.error(
                row,
                "email",
                gettext_noop("The e-mail address %(value)s is also used in row %(other)s."),
                value=email,
                other=self.emails[email],
            )
        elif email:
            self.emails[email] = row
        language = self.cell(cells, "language")
        if language is not None:
            code = LANGUAGES.get(language.lower())
            if code is None:
                self.error(
                    row,
                    "language",
                    gettext_noop("Unknown language “%(value)s”; use nl or en."),
                    value=language,
                )
            language = code
        active = True
        end = self.cell(cells, "end_date")
        if end:
            end_date = parse_date(end)
            if end_date is None:
                self.error(
                    row,
                    "end_date",
                    gettext_noop("“%(value)s” is not a date; use dd-mm-yyyy."),
                    value=end,
                )
            else:
                active = end_date >= self.today
        manager = self.text(row, cells, "manager_number") or ""
        unit_code = self.unit_for_row(row, cells)
        if number and number in self.seen_numbers:
            self.error(
                row,
                "employee_number",
                gettext_noop("Employee number %(value)s also appears in row %(other)s."),
                value=number,
                other=self.first_rows[number],
            )
            return
        self.seen_numbers.add(number)
        self.first_rows[number] = row
        if len(self.errors) > before or not unit_code:
            return
        self.people[number] = PersonRecord(
            row=row,
            employee_number=number,
            first_name=first,
            last_name=last,
            email=email,
            unit_code=unit_code,
            active=active,
            prefix=prefix,
            job_title=job_title,
            language=language,
            manager_number=manager,
        )
        self.read_heads(row, cells, number, unit_code)

    def unit_for_row(self, row: int, cells: list[str]) -> str:
        if self.shape.tree == "levels":
            return self.unit_from_levels(row, cells)
        return self.unit_from_codes(row, cells)

    def unit_from_levels(self, row: int, cells: list[str]) -> str:
        names: list[str] = []
        code = ""
        parent = ""
        for name, kind in LEVELS:
            value = self.text(row, cells, name)
            if not value:
                continue  # depth varies: a person in a department has no team
            names.append(value)
            parent, code = code, path_code(names)
            self.unit_names[code][value] += 1
            if code not in self.units:
                self.units[code] = UnitRecord(
                    code=code, row=row, kind=kind, parent_code=parent or None, parent_known=True
                )
        if not code:
            first_level = next(n for n, _k in LEVELS if n in self.columns)
            self.error(row, first_level, gettext_noop("No unit: all unit columns are empty."))
        return code

    def unit_from_codes(self, row: int, cells: list[str]) -> str:
        code = self.text(row, cells, "unit_code", required=True) or ""
        if not code:
            return ""
        name = self.text(row, cells, "unit_name")
        parent = self.text(row, cells, "parent_code")
        kind_text = self.cell(cells, "unit_kind")
        kind = None
        if kind_text:
            kind = KINDS.get(kind_text.lower())
            if kind is None:
                self.error(
                    row,
                    "unit_kind",
                    gettext_noop(
                        "Unknown unit kind “%(value)s”; use directie, afdeling, "
                        "team, organisatie or overig."
                    ),
                    value=kind_text,
                )
        if parent == code:
            self.error(
                row,
                "parent_code",
                gettext_noop("Unit %(code)s cannot be its own parent."),
                code=code,
            )
        unit = self.units.get(code)
        if unit is None:
            self.units[code] = UnitRecord(
                code=code,
                row=row,
                kind=kind,
                parent_code=parent or None,
                parent_known=parent is not None,
            )
        else:
            if parent is not None and (parent or None) != unit.parent_code:
                self.error(
                    row,
                    "parent_code",
                    gettext_noop(
                        "Unit %(code)s has parent %(value)s here but %(other)s in row %(first)s."
                    ),
                    code=code,
                    value=parent or "-",
                    other=unit.parent_code or "-",
                    first=unit.row,
                )
            if kind and unit.kind and kind != unit.kind:
                self.warnings.append(
                    Problem(
                        gettext_noop("Unit %(code)s has another kind here than in row %(first)s."),
                        {"code": code, "first": unit.row},
                        row,
                    )
                )
            unit.kind = unit.kind or kind
        if name:
            self.unit_names[code][name] += 1
        return code

    def read_heads(self, row: int, cells: list[str], number: str, unit_code: str) -> None:
        head = self.text(row, cells, "unit_head")
        if head:
            self.head_votes[unit_code][head] += 1
            self.head_rows.setdefault((unit_code, head), row)
        flag = self.cell(cells, "is_head")
        if flag is not None:
            if flag.lower() in YES:
                self.head_votes[unit_code][number] += 1
                self.head_rows.setdefault((unit_code, number), row)
            elif flag.lower() not in NO:
                self.error(
                    row, "is_head", gettext_noop("“%(value)s” is not yes or no."), value=flag
                )

    # -- whole-file checks ----------------------------------------------------------------
    def check_units(self) -> None:
        if self.shape.tree != "codes":
            return
        for unit in list(self.units.values()):
            parent = unit.parent_code
            if parent and parent not in self.units:
                if parent in self.known_unit_codes:
                    self.units[parent] = UnitRecord(code=parent, row=unit.row, referenced_only=True)
                else:
                    self.error(
                        unit.row,
                        "parent_code",
                        gettext_noop("Unknown unit %(value)s: no row has this unit code."),
                        value=parent,
                    )
        # A unit may not be its own ancestor: walk up from every unit, colouring as we go.
        done: set[str] = set()
        for start in self.units:
            path: list[str] = []
            on_path: set[str] = set()
            code: str | None = start
            while code and code not in done and code in self.units:
                if code in on_path:
                    loop = path[path.index(code) :] + [code]
                    self.error(
                        self.units[code].row,
                        "parent_code",
                        gettext_noop("The units form a loop: %(loop)s."),
                        loop=" → ".join(loop),
                    )
                    break
                path.append(code)
                on_path.add(code)
                code = self.units[code].parent_code
            done.update(path)

    def check_heads(self) -> None:
        for unit_code, votes in self.head_votes.items():
            for number in votes:
                if number not in self.seen_numbers:
                    self.error(
                        self.head_rows[(unit_code, number)],
                        "unit_head",
                        gettext_noop("Unknown head %(value)s: no row has this employee number."),
                        value=number,
                    )

    def check_managers(self) -> None:
        if "manager_number" not in self.columns:
            return
        for person in self.people.values():
            manager = person.manager_number
            if not manager:
                continue
            if manager == person.employee_number:
                self.error(
                    person.row,
                    "manager_number",
                    gettext_noop("%(name)s cannot be their own manager."),
                    name=person.full_name,
                )
            elif manager not in self.seen_numbers:
                self.error(
                    person.row,
                    "manager_number",
                    gettext_noop("Unknown manager %(value)s: no row has this employee number."),
                    value=manager,
                )
        # A manager chain must end: A reports to B reports to A is a loop.
        done: set[str] = set()
        for start in self.people:
            path: list[str] = []
            on_path: set[str] = set()
            number: str = start
            while number and number not in done and number in self.people:
                if number in on_path:
                    loop = path[path.index(number) :] + [number]
                    if len(loop) > 2:  # a self-report already has its own message
                        self.error(
                            self.people[number].row,
                            "manager_number",
                            gettext_noop("The managers form a loop: %(loop)s."),
                            loop=" → ".join(loop),
                        )
                    break
                path.append(number)
                on_path.add(number)
                number = self.people[number].manager_number
            done.update(path)

    # -- what the file leaves implicit ----------------------------------------------------
    def settle_unit_names(self) -> None:
        for code, names in self.unit_names.items():
            (name, _count), *others = names.most_common()
            self.units[code].name = name
            if others:
                self.warnings.append(
                    Problem(
                        gettext_noop(
                            "Unit %(code)s has different names: %(names)s; “%(name)s” is used."
                        ),
                        {"code": code, "names": ", ".join(f"“{n}”" for n in names), "name": name},
                        self.units[code].row,
                    )
                )

    def settle_heads(self) -> None:
        """Explicit heads first; for the other units, derive the head from the manager column.

        The rule, also in docs/import.md. A unit's voters are
        - its members, except those who manage someone in the unit or below it (they are
          candidates: a team leader does not vote for their own boss as head of their team);
        - the heads of its direct sub-units who sit elsewhere.
        The head is whom most voters report to. When nobody votes (e.g. a department where
        only the head and the team leaders sit), the head is the member who manages someone
        in the unit and whose own manager sits outside it. Units are settled bottom-up so a
        sub-unit's head is known before its parent votes. A person may head more than one
        unit: a team leader booked on the department heads the team as well.
        """
        if not self.shape.heads:
            return
        for unit in self.units.values():
            if not unit.referenced_only:
                unit.head_known = True
        for code, votes in self.head_votes.items():
            self.units[code].head_number = self.pick(code, votes, explicit=True)
        if "manager" not in self.shape.heads:
            return
        people = self.people
        members: dict[str, list[str]] = defaultdict(list)
        for person in people.values():
            if person.active:
                members[person.unit_code].append(person.employee_number)
        children: dict[str, list[str]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_code:
                children[unit.parent_code].append(unit.code)
        # Who manages someone in their own unit or below it; how many direct reports each has.
        managing: set[str] = set()
        reports: Counter[str] = Counter()
        for person in people.values():
            boss = people.get(person.manager_number)
            if boss is None or not person.active:
                continue
            reports[boss.employee_number] += 1
            if self._within(person.unit_code, boss.unit_code):
                managing.add(boss.employee_number)
        for code in self._bottom_up(children):
            unit = self.units[code]
            if unit.referenced_only:
                continue
            here = set(members[code])
            voters = {n for n in here if n not in managing and n != unit.head_number}
            voters.update(
                head
                for child in children[code]
                if (head := self.units[child].head_number) and people[head].unit_code != code
            )
            votes = Counter(
                people[v].manager_number for v in voters if people[v].manager_number in people
            )
            if code in self.head_votes:
                # A named head who reports to someone in their own unit contradicts it too.
                boss = (
                    people.get(people[unit.head_number].manager_number)
                    if unit.head_number
                    else None
                )
                if boss is not None and self._within(boss.unit_code, code):
                    votes[boss.employee_number] += 1
                self.compare_with_managers(unit, votes)
                continue
            if not votes:
                tops = Counter(
                    {
                        n: reports[n]
                        for n in here & managing
                        if people[n].manager_number not in people
                        or not self._within(people[people[n].manager_number].unit_code, code)
                    }
                )
                votes = tops
            unit.head_number = self.pick(code, votes, explicit=False, members=here)

    def compare_with_managers(self, unit: UnitRecord, votes: Counter[str]) -> None:
        """The file names a head, and its members report to someone else: say so."""
        if not votes or votes.most_common(1)[0][0] == unit.head_number:
            return
        self.warnings.append(
            Problem(
                gettext_noop(
                    "Unit %(unit)s: the file names %(head)s as head, but its members report "
                    "to %(managers)s."
                ),
                {
                    "unit": unit.name or unit.code,
                    "head": self._name(unit.head_number or ""),
                    "managers": ", ".join(f"{self._name(n)} ({c})" for n, c in votes.most_common()),
                },
                unit.row,
            )
        )

    def _within(self, code: str | None, ancestor: str) -> bool:
        """Is unit `code` the unit `ancestor` or below it?"""
        seen = 0
        while code is not None and seen < 100:
            if code == ancestor:
                return True
            unit = self.units.get(code)
            code = unit.parent_code if unit is not None else None
            seen += 1
        return False

    def pick(
        self, code: str, votes: Counter[str], *, explicit: bool, members: set[str] | None = None
    ) -> str | None:
        if not votes:
            return None
        # Ties go to someone who sits in the unit, then to the lowest employee number, so the
        # same file always gives the same answer.
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0] not in (members or ()), kv[0]))
        head = ranked[0][0]
        if len(ranked) > 1:
            unit = self.units[code]
            listing = ", ".join(f"{self._name(n)} ({c})" for n, c in ranked)
            self.warnings.append(
                Problem(
                    gettext_noop(
                        "Unit %(unit)s: the file names more than one head: %(heads)s; "
                        "%(head)s is used."
                    )
                    if explicit
                    else gettext_noop(
                        "Unit %(unit)s: members report to different managers: "
                        "%(heads)s; %(head)s is taken as head."
                    ),
                    {"unit": unit.name or code, "heads": listing, "head": self._name(head)},
                    unit.row,
                )
            )
        return head

    def _name(self, number: str) -> str:
        person = self.people.get(number)
        return f"{person.full_name} ({number})" if person else number

    def _bottom_up(self, children: dict[str, list[str]]) -> list[str]:
        order: list[str] = []
        roots = [
            c for c, u in self.units.items() if not u.parent_code or u.parent_code not in self.units
        ]
        stack = [(c, False) for c in roots]
        while stack:
            code, expanded = stack.pop()
            if expanded:
                order.append(code)
                continue
            stack.append((code, True))
            stack.extend((child, False) for child in children[code])
        return order
