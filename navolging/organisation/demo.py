"""The demo organisation: a realistic Dutch municipality for trying and benchmarking Navolging.

Two halves, as STYLE 4 asks: `demo_plan` is pure (a seed in, plain data out, no Django), so it
can be tested for determinism without a database; `demo_load` writes a plan in one transaction
with bulk inserts, so 100,000 people load in well under a minute.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from faker import Faker

DEFAULT_SIZE = 2400
DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "navolging-demo-2026"  # noqa: S105 - printed on purpose: a demo login
MIN_SIZE = 50
MAX_SIZE = 200_000
SITE_URL = "http://127.0.0.1:8000"
AUDIT_ACTION = "demo.create"

ORGANISATION_NAME = "Gemeente Zuiderhaven"
# .example is reserved (RFC 2606): demo mail can never reach a real mailbox.
DOMAIN = "zuiderhaven.example"
TRAINER_DOMAINS = ("koers-training.example", "spiegelbeeld.example", "leerfabriek.example")

# At 2,400 employees; other sizes scale these proportionally.
REFERENCE_SIZE = 2400
REFERENCE_DIRECTORATES = 6
REFERENCE_DEPARTMENTS = 30
REFERENCE_TEAMS = 180
REFERENCE_TRAINERS = 8
ENGLISH_SHARE = 0.05
STAFF_SHARE = 0.05  # people placed at directorate/department level, not in a team
DOUBLE_NAME_SHARE = 0.03
TEAM_COMPLETED_SHARE = 0.85
MT_COMPLETED_SHARE = 0.9
PROGRAMME_START = date(2026, 1, 12)
PROGRAMME_END = date(2026, 10, 30)

DIRECTORATES = (
    "Dienstverlening",
    "Sociaal Domein",
    "Ruimte",
    "Bedrijfsvoering",
    "Openbare Ruimte",
    "Economie en Cultuur",
    "Veiligheid",
    "Wonen en Leefomgeving",
    "Informatievoorziening",
    "Financiën",
    "Onderwijs en Jeugd",
    "Werk en Inkomen",
)
DEPARTMENTS = (
    "Burgerzaken",
    "Belastingen",
    "Vergunningen",
    "Klantcontact",
    "Publiekszaken",
    "Ruimtelijke Ordening",
    "Bouw- en Woningtoezicht",
    "Wonen",
    "Mobiliteit",
    "Groen",
    "Wegen en Water",
    "Afval en Reiniging",
    "Vastgoed",
    "Economische Zaken",
    "Cultuur en Sport",
    "Jeugd",
    "Zorg en Welzijn",
    "Werk en Participatie",
    "Schuldhulpverlening",
    "Inkomen",
    "Onderwijs",
    "Openbare Orde en Veiligheid",
    "Handhaving",
    "Personeel en Organisatie",
    "Financiën",
    "Juridische Zaken",
    "Inkoop",
    "Communicatie",
    "Informatiemanagement",
    "ICT",
    "Facilitaire Zaken",
    "Documentaire Informatievoorziening",
    "Bestuursondersteuning",
    "Strategie en Beleid",
    "Projecten en Programma's",
    "Duurzaamheid",
)
TEAMS = (
    "Balie",
    "Backoffice",
    "Frontoffice",
    "Klantcontactcentrum",
    "Aanvragen",
    "Bezwaar en Beroep",
    "Toezicht",
    "Handhaving",
    "Beleid",
    "Advies",
    "Uitvoering",
    "Projecten",
    "Administratie",
    "Planning",
    "Wijkbeheer",
    "Buitendienst",
    "Binnendienst",
    "Kwaliteit",
    "Regie",
    "Accountbeheer",
    "Applicatiebeheer",
    "Servicedesk",
    "Werkplekbeheer",
    "Data",
    "Archief",
    "Post en Scanning",
    "Salarisadministratie",
    "Recruitment",
    "Leren en Ontwikkelen",
    "Control",
    "Begroting",
    "Heffingen",
    "Invordering",
    "WOZ",
    "Reisdocumenten",
    "Verkiezingen",
    "Parkeren",
    "Verkeer",
    "Riolering",
    "Bomen",
    "Sportaccommodaties",
    "Bibliotheek",
    "Jeugdhulp",
    "Wmo",
    "Participatie",
    "Inkomensondersteuning",
    "Schuldregeling",
    "Leerplicht",
    "Subsidies",
    "Evenementen",
    "Markt",
    "Omgevingswet",
)
QUALIFIERS = ("Noord", "Oost", "Zuid", "West", "Centrum")
MEMBER_TITLES = (
    "Medewerker klantcontact",
    "Medewerker burgerzaken",
    "Administratief medewerker",
    "Beleidsmedewerker",
    "Senior beleidsmedewerker",
    "Adviseur",
    "Senior adviseur",
    "Juridisch medewerker",
    "Jurist",
    "Projectleider",
    "Vergunningverlener",
    "Toezichthouder",
    "Handhaver",
    "Boa",
    "Consulent werk en inkomen",
    "Klantmanager",
    "Wijkregisseur",
    "Jeugdconsulent",
    "Wmo-consulent",
    "Informatieadviseur",
    "Applicatiebeheerder",
    "Functioneel beheerder",
    "Data-analist",
    "Financieel adviseur",
    "Financieel medewerker",
    "HR-adviseur",
    "Communicatieadviseur",
    "Medewerker openbare ruimte",
    "Buitendienstmedewerker",
    "Opzichter",
    "Planner",
    "Inkoper",
    "Medewerker archief",
    "Secretaresse",
    "Medewerker servicedesk",
    "Stagiair",
    "Trainee",
)
STAFF_TITLES = (
    "Managementassistent",
    "Bestuursadviseur",
    "Controller",
    "Beleidsadviseur",
    "Secretaresse",
    "Strategisch adviseur",
    "Programmamanager",
)
# Dutch name particles (tussenvoegsels): they go in Person.prefix, not in the last name, so that
# "Jan van den Berg" sorts under B.
PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "te",
        "ter",
        "ten",
        "in",
        "op",
        "la",
        "le",
        "d'",
        "du",
        "des",
        "'s",
        "uit",
        "aan",
        "bij",
        "onder",
        "over",
        "voor",
        "tot",
        "el",
    }
)


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    kind: str  # a UnitKind value; plain strings keep this module free of Django
    parent: str | None  # parent's code
    head: str | None = None  # employee number


@dataclass(frozen=True)
class PersonPlan:
    employee_number: str
    first_name: str
    prefix: str
    last_name: str
    email: str
    job_title: str
    unit: str  # unit code
    language: str


@dataclass(frozen=True)
class AccountPlan:
    """A login without HR data: trainers, the programme office, the AS, the administrator."""

    email: str
    name: str
    language: str = "nl"
    is_trainer: bool = False
    is_programme_office: bool = False
    is_as: bool = False
    is_staff: bool = False


@dataclass(frozen=True)
class ProgrammePlan:
    unit: str
    scope: str  # a ProgrammeScope value
    completed_on: date | None
    trainers: tuple[str, ...]  # trainer e-mail addresses


@dataclass(frozen=True)
class DemoLogin:
    role: str  # key, see LOGIN_ROLES
    email: str


LOGIN_ROLES = ("office", "admin", "manager", "team_leader", "employee", "trainer", "as")


@dataclass
class DemoPlan:
    size: int
    seed: int
    name: str
    domain: str
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    accounts: list[AccountPlan] = field(default_factory=list)
    programmes: list[ProgrammePlan] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        kinds = Counter(unit.kind for unit in self.units)
        return {
            "people": len(self.people),
            "directorates": kinds["directorate"],
            "departments": kinds["department"],
            "teams": kinds["team"],
            "trainers": sum(1 for a in self.accounts if a.is_trainer),
            "base_programmes": len(self.programmes),
            "base_programmes_completed": sum(1 for p in self.programmes if p.completed_on),
        }


def split_last_name(raw: str) -> tuple[str, str] | None:
    """("van der", "Berg") from "van der Berg"; None for names a real export would not hold
    (Faker nl_NL also has medieval names like "Gepa van Bourgondië" and "Bourgondië, van")."""
    words = raw.split()
    particles: list[str] = []
    while words and words[0] in PARTICLES:
        particles.append(words.pop(0))
    if len(words) != 1 or "," in words[0] or not words[0][0].isupper() or len(particles) > 3:
        return None
    return " ".join(particles), words[0]


def email_local_part(*parts: str) -> str:
    """ASCII, lower case, no spaces or apostrophes ("van 't Riet" -> "vantriet")."""
    text = unicodedata.normalize("NFKD", "".join(parts)).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum() or c == "-")


def _scaled(reference: int, size: int, minimum: int) -> int:
    return max(minimum, round(reference * size / REFERENCE_SIZE))


def _unique_names(pool: tuple[str, ...], count: int, rng: random.Random) -> list[str]:
    """`count` distinct names: the pool shuffled, then again with a region, then numbered."""
    names: list[str] = []
    round_ = 0
    while len(names) < count:
        batch = list(pool)
        rng.shuffle(batch)
        if round_ == 0:
            names.extend(batch)
        elif round_ <= len(QUALIFIERS):
            names.extend(f"{name} {QUALIFIERS[round_ - 1]}" for name in batch)
        else:
            names.extend(f"{name} {round_ - len(QUALIFIERS) + 1}" for name in batch)
        round_ += 1
    return names[:count]


def _split(total: int, parts: int, minimum: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts` blocks of at least `minimum`, unevenly like a real chart."""
    sizes = [minimum] * parts
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    for index in rng.choices(range(parts), weights=weights, k=total - minimum * parts):
        sizes[index] += 1
    return sizes


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    sizes = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - sizes[i], reverse=True)
    for index in by_remainder[: total - sum(sizes)]:
        sizes[index] += 1
    return sizes


def _programme_date(rng: random.Random) -> date:
    day = PROGRAMME_START + timedelta(days=rng.randrange((PROGRAMME_END - PROGRAMME_START).days))
    while day.weekday() >= 5:  # trainings are on working days
        day -= timedelta(days=1)
    return day


class _People:
    """Draws people with unique e-mail addresses and employee numbers."""

    def __init__(self, size: int, rng: random.Random, fake: Faker, domain: str) -> None:
        self.rng = rng
        self.fake = fake
        self.domain = domain
        self.numbers = iter(rng.sample(range(100_000, 1_000_000), size))
        self.locals: set[str] = set()
        self.people: list[PersonPlan] = []

    def name(self) -> tuple[str, str, str]:
        while (split := split_last_name(self.fake.last_name())) is None:
            pass
        prefix, last = split
        if self.rng.random() < DOUBLE_NAME_SHARE:
            while (second := split_last_name(self.fake.last_name())) is None:
                pass
            last = f"{last}-{' '.join(p for p in second if p)}"
        return self.fake.first_name(), prefix, last

    def email(self, first: str, prefix: str, last: str, domain: str) -> str:
        base = f"{email_local_part(first)}.{email_local_part(prefix, last)}"
        local, n = base, 1
        while f"{local}@{domain}" in self.locals:
            n += 1
            local = f"{base}{n}"
        self.locals.add(f"{local}@{domain}")
        return f"{local}@{domain}"

    def add(self, unit: str, job_title: str, language: str | None = None) -> PersonPlan:
        first, prefix, last = self.name()
        if language is None:
            language = "en" if self.rng.random() < ENGLISH_SHARE else "nl"
        person = PersonPlan(
            employee_number=str(next(self.numbers)),
            first_name=first,
            prefix=prefix,
            last_name=last,
            email=self.email(first, prefix, last, self.domain),
            job_title=job_title,
            unit=unit,
            language=language,
        )
        self.people.append(person)
        return person


def demo_plan(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> DemoPlan:
    """The whole organisation as plain data; the same seed and size give the same plan."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be between {MIN_SIZE} and {MAX_SIZE}")
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    plan = DemoPlan(size=size, seed=seed, name=ORGANISATION_NAME, domain=DOMAIN)
    people = _People(size, rng, fake, DOMAIN)

    n_dirs = _scaled(REFERENCE_DIRECTORATES, size, 2)
    n_depts = _scaled(REFERENCE_DEPARTMENTS, size, n_dirs + 1)
    # Each department gets at least two teams, plus one team that hangs under a directorate.
    n_teams = _scaled(REFERENCE_TEAMS, size, 2 * n_depts + 1)

    root = UnitPlan("ORG", ORGANISATION_NAME, "organisation", None)
    directorates = [
        UnitPlan(f"DIR{i + 1:02d}", f"Directie {name}", "directorate", root.code)
        for i, name in enumerate(_unique_names(DIRECTORATES, n_dirs, rng))
    ]
    dept_names = _unique_names(DEPARTMENTS, n_depts, rng)
    departments: list[UnitPlan] = []
    for directorate, count in zip(directorates, _split(n_depts, n_dirs, 1, rng), strict=True):
        for _ in range(count):
            i = len(departments)
            departments.append(
                UnitPlan(
                    f"AFD{i + 1:03d}", f"Afdeling {dept_names[i]}", "department", directorate.code
                )
            )
    team_names = _unique_names(TEAMS, n_teams, rng)
    teams: list[UnitPlan] = []
    for department, count in zip(departments, _split(n_teams - 1, n_depts, 2, rng), strict=True):
        for _ in range(count):
            i = len(teams)
            teams.append(
                UnitPlan(f"TM{i + 1:04d}", f"Team {team_names[i]}", "team", department.code)
            )
    # Irregularities a real HR export has, kept away from the first department (the demo logins):
    # a staff team straight under a directorate, a vacancy, one leader heading two teams.
    teams.append(
        UnitPlan(f"TM{n_teams:04d}", "Team Directieondersteuning", "team", directorates[-1].code)
    )
    vacant, doubled, double_head_home = teams[-2], teams[-3], teams[-4]

    heads: dict[str, str] = {}
    heads[root.code] = people.add(root.code, "Algemeen directeur", "nl").employee_number
    for unit in directorates:
        heads[unit.code] = people.add(unit.code, "Directeur").employee_number
    for unit in departments:
        heads[unit.code] = people.add(unit.code, "Afdelingshoofd").employee_number
    for unit in teams:
        if unit is not vacant and unit is not doubled:
            heads[unit.code] = people.add(unit.code, "Teamleider").employee_number
    heads[doubled.code] = heads[double_head_home.code]

    remaining = size - len(people.people)
    staff_units = [root] + directorates + departments
    staff_weights = [1.0] + [2.0] * len(directorates) + [1.0] * len(departments)
    for unit in rng.choices(staff_units, weights=staff_weights, k=round(remaining * STAFF_SHARE)):
        people.add(unit.code, rng.choice(STAFF_TITLES))
    remaining = size - len(people.people)
    team_sizes = _largest_remainder(remaining, [rng.uniform(0.6, 1.6) for _ in teams])
    for unit, count in zip(teams, team_sizes, strict=True):
        for _ in range(count):
            people.add(unit.code, rng.choice(MEMBER_TITLES))

    plan.units = [
        UnitPlan(u.code, u.name, u.kind, u.parent, heads.get(u.code))
        for u in [root, *directorates, *departments, *teams]
    ]
    plan.people = people.people

    trainers: list[AccountPlan] = []
    for i in range(_scaled(REFERENCE_TRAINERS, size, 3)):
        first, prefix, last = people.name()
        trainers.append(
            AccountPlan(
                email=people.email(first, prefix, last, TRAINER_DOMAINS[i % len(TRAINER_DOMAINS)]),
                name=" ".join(p for p in (first, prefix, last) if p),
                language="en" if rng.random() < 0.1 else "nl",
                is_trainer=True,
            )
        )

    # A department works with one or two trainers, and its teams get theirs from that pair.
    pairs: dict[str, list[str]] = {}
    for unit in [*directorates, *departments]:
        pairs[unit.code] = [t.email for t in rng.sample(trainers, 2)]
    demo_department = departments[0]
    demo_team = next(t for t in teams if t.parent == demo_department.code)
    for unit in teams:
        pair = pairs[unit.parent]
        involved = tuple(pair[: rng.choice((1, 1, 2))])
        if unit is demo_team or rng.random() < TEAM_COMPLETED_SHARE:
            plan.programmes.append(ProgrammePlan(unit.code, "team", _programme_date(rng), involved))
        elif rng.random() < 0.5:  # planned, not held yet; the rest has not even been planned
            plan.programmes.append(ProgrammePlan(unit.code, "team", None, involved))
    for unit in [*directorates, *departments]:
        completed = unit is demo_department or rng.random() < MT_COMPLETED_SHARE
        plan.programmes.append(
            ProgrammePlan(
                unit.code,
                "mt",
                _programme_date(rng) if completed else None,
                tuple(pairs[unit.code]),
            )
        )

    def office_name() -> str:
        first, prefix, last = people.name()
        return " ".join(p for p in (first, prefix, last) if p)

    plan.accounts = [
        *trainers,
        AccountPlan(f"kantoor@{DOMAIN}", office_name(), is_programme_office=True),
        AccountPlan(f"as@{DOMAIN}", office_name(), is_as=True),
        AccountPlan(f"beheer@{DOMAIN}", "Technisch beheer", is_staff=True),
    ]
    by_number = {p.employee_number: p for p in plan.people}
    # A plain Dutch-speaking member, so the demo shows the common case.
    employee = next(
        p
        for p in plan.people
        if p.unit == demo_team.code
        and p.employee_number != heads[demo_team.code]
        and p.language == "nl"
        and "-" not in p.last_name
    )
    plan.logins = [
        DemoLogin("office", f"kantoor@{DOMAIN}"),
        DemoLogin("admin", f"beheer@{DOMAIN}"),
        DemoLogin("manager", by_number[heads[demo_department.code]].email),
        DemoLogin("team_leader", by_number[heads[demo_team.code]].email),
        DemoLogin("employee", employee.email),
        DemoLogin("trainer", pairs[demo_department.code][0]),
        DemoLogin("as", f"as@{DOMAIN}"),
    ]
    return plan


class Progress(Protocol):
    """What demo_load needs of a progress bar (tqdm fits)."""

    def update(self, n: float = 1) -> object: ...

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None: ...


class _NoProgress:
    def update(self, n: float = 1) -> None:
        pass

    def set_description(self, desc: str | None = None, refresh: bool = True) -> None:
        pass


def demo_rows(plan: DemoPlan) -> int:
    """Rows demo_load writes, for sizing a progress bar."""
    users = len(plan.people) + len(plan.accounts)
    trainer_links = sum(len(p.trainers) for p in plan.programmes)
    return users + len(plan.units) * 2 + len(plan.people) + len(plan.programmes) + trainer_links


def demo_load(plan: DemoPlan, *, password: str, progress: Progress | None = None) -> dict:
    """Write the plan into an organisation without people. Only the demo logins get a usable
    password; everyone else must set one through "forgot password" like after an HR import."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
    from django.db import connection, transaction

    from navolging.accounts.models import User
    from navolging.audit.services import audit_record

    from .models import BaseProgramme, OrganisationSettings, Person, Unit

    progress = progress or _NoProgress()
    batch = 1000
    login_emails = {login.email for login in plan.logins}
    # One hash for the shared password: Argon2 per login would cost more than the whole load.
    login_hash = make_password(password)

    def password_for(email: str) -> str:
        if email in login_emails:
            return login_hash
        # What set_unusable_password() stores, without its 40 secrets.choice() calls per user
        # (4 s at 100,000 people).
        return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)

    def insert(model, objs: list, label: str) -> list:
        progress.set_description(label)
        for start in range(0, len(objs), batch):
            model.objects.bulk_create(objs[start : start + batch], batch_size=batch)
            progress.update(len(objs[start : start + batch]))
        return objs

    with transaction.atomic():
        person_users = insert(
            User,
            [
                User(
                    email=p.email,
                    name=" ".join(x for x in (p.first_name, p.prefix, p.last_name) if x),
                    language=p.language,
                    password=password_for(p.email),
                )
                for p in plan.people
            ],
            "users",
        )
        accounts = insert(
            User,
            [
                User(
                    email=a.email,
                    name=a.name,
                    language=a.language,
                    password=password_for(a.email),
                    is_trainer=a.is_trainer,
                    is_programme_office=a.is_programme_office,
                    is_as=a.is_as,
                    is_staff=a.is_staff,
                    is_superuser=a.is_staff,
                )
                for a in plan.accounts
            ],
            "accounts",
        )
        user_ids = {u.email: u.pk for u in [*person_users, *accounts]}

        units: dict[str, Unit] = {}
        # Parents first: bulk_create needs their primary keys, and the plan lists units top-down.
        for kind in ("organisation", "directorate", "department", "team"):
            level = [
                Unit(
                    code=u.code,
                    name=u.name,
                    kind=u.kind,
                    parent_id=units[u.parent].pk if u.parent else None,
                )
                for u in plan.units
                if u.kind == kind
            ]
            for unit in insert(Unit, level, "units"):
                units[unit.code] = unit

        persons = insert(
            Person,
            [
                Person(
                    employee_number=p.employee_number,
                    first_name=p.first_name,
                    prefix=p.prefix,
                    last_name=p.last_name,
                    email=p.email,
                    job_title=p.job_title,
                    unit_id=units[p.unit].pk,
                    language=p.language,
                    user_id=user_ids[p.email],
                )
                for p in plan.people
            ],
            "people",
        )
        person_ids = {p.employee_number: p.pk for p in persons}

        progress.set_description("heads")
        headed = []
        for u in plan.units:
            if u.head:
                units[u.code].head_id = person_ids[u.head]
                headed.append(units[u.code])
        Unit.objects.bulk_update(headed, ["head"], batch_size=500)
        progress.update(len(plan.units))

        programmes = insert(
            BaseProgramme,
            [
                BaseProgramme(
                    unit_id=units[p.unit].pk,
                    scope=p.scope,
                    completed_on=p.completed_on,
                    # The first of its trainers leads it: decides on tailored training.
                    head_trainer_id=user_ids[p.trainers[0]] if p.trainers else None,
                )
                for p in plan.programmes
            ],
            "base programmes",
        )
        through = BaseProgramme.trainers.through
        insert(
            through,
            [
                through(baseprogramme_id=obj.pk, user_id=user_ids[email])
                for obj, p in zip(programmes, plan.programmes, strict=True)
                for email in p.trainers
            ],
            "trainers involved",
        )

        settings = OrganisationSettings.load()
        settings.name = plan.name
        settings.save()  # load() may hand back an unsaved row
        counts = plan.counts()
        audit_record(
            action=AUDIT_ACTION,
            object_type="organisation",
            object_label=plan.name,
            changes={
                "size": plan.size,
                "seed": plan.seed,
                **counts,
                # `manage.py demo --if-empty` reads the logins back from here.
                "logins": [[login.role, login.email] for login in plan.logins],
            },
        )
    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics until autovacuum gets round to them; without
        # them the first minutes of a demo (and a benchmark) would run on guessed plans.
        with connection.cursor() as cursor:
            for model in (User, Unit, Person, BaseProgramme):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return counts


def demo_logins_recorded() -> list[DemoLogin]:
    """The logins of the demo in this database, from its audit event; [] for a real organisation."""
    from navolging.accounts.models import User
    from navolging.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action=AUDIT_ACTION).order_by("-created_at", "-id").first()
    if event is None:
        return []
    logins = [DemoLogin(role, email) for role, email in event.changes.get("logins", [])]
    existing = set(
        User.objects.filter(email__in=[x.email for x in logins], is_active=True).values_list(
            "email", flat=True
        )
    )
    return [login for login in logins if login.email in existing]


def password_still(logins: list[DemoLogin], password: str) -> bool:
    """Whether the demo logins still use `password` (checks one: they share it)."""
    from navolging.accounts.models import User

    user = User.objects.filter(email=logins[0].email).first() if logins else None
    return user is not None and user.check_password(password)
