"""`manage.py demo`: load the demo organisation and print its logins (docs/demo.md)."""

from __future__ import annotations

import random
import sys
import time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from navolging.accounts.models import User
from navolging.buddies.demo import buddies_demo_load
from navolging.buddies.models import Count, Participant
from navolging.coaching.demo import coaching_demo_load
from navolging.followup.demo import followup_demo_load
from navolging.intervision.demo import intervision_demo_load
from navolging.intervision.models import AttendanceRecord, Membership
from navolging.notifications.demo import demo_items_load
from navolging.notifications.models import Attendance, PlannedItem
from navolging.organisation import demo
from navolging.organisation.models import Person, Unit
from navolging.training.demo import training_demo_load


def _role_labels() -> dict[str, str]:
    return {
        "office": _("Programme office"),
        "admin": _("Technical administrator"),
        "manager": _("Manager (department head)"),
        "team_leader": _("Team leader"),
        "employee": _("Employee"),
        "trainer": _("Trainer"),
        "as": _("AS"),
    }


def _analyse() -> None:
    """On PostgreSQL, planner statistics for the instruments' largest demo tables too (the
    organisation's own tables get theirs in `demo_load`)."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (PlannedItem, Attendance, AttendanceRecord, Membership, Participant, Count)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class Command(BaseCommand):
    help = "Loads a realistic demo organisation (Dutch names, units, trainers, base programmes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--size",
            type=int,
            default=demo.DEFAULT_SIZE,
            help=f"Number of employees ({demo.MIN_SIZE} to {demo.MAX_SIZE}).",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="Same seed, same organisation."
        )
        parser.add_argument(
            "--password", default=demo.DEFAULT_PASSWORD, help="The one password of all demo logins."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the demo logins) when there are people already.",
        )

    def handle(self, *args, size: int, seed: int, password: str, if_empty: bool, **options):
        verbosity = options["verbosity"]
        # Units without people (a half-finished import) count as filled too: their codes would
        # clash with the demo's.
        if Person.objects.exists() or Unit.objects.exists():
            if not if_empty:
                raise CommandError(
                    _(
                        "The organisation in this database is not empty; the demo needs an empty "
                        "one. Use a new database (see docs/demo.md)."
                    )
                )
            logins = demo.demo_logins_recorded()
            if verbosity and logins:
                known = password if demo.password_still(logins, password) else None
                self._print_logins(logins, known)
            elif verbosity:
                self.stdout.write(_("The organisation is not empty; no demo loaded."))
            return
        if not demo.MIN_SIZE <= size <= demo.MAX_SIZE:
            raise CommandError(
                _("--size must be between %(min)s and %(max)s.")
                % {"min": demo.MIN_SIZE, "max": demo.MAX_SIZE}
            )
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        started = time.monotonic()
        plan = demo.demo_plan(size, seed)
        taken = {email.lower() for email in User.objects.values_list("email", flat=True)}
        emails = [a.email for a in plan.accounts] + [p.email for p in plan.people]
        clash = sorted(email for email in emails if email in taken)
        if clash:
            raise CommandError(
                _("These demo e-mail addresses are in use already: %(emails)s")
                % {"emails": ", ".join(clash[:5])}
            )
        with tqdm(
            total=demo.demo_rows(plan),
            unit=" rows",
            file=sys.stderr,
            disable=verbosity == 0,
            leave=False,
        ) as bar:
            counts = demo.demo_load(plan, password=password, progress=bar)
        demo_items_load(
            emails={login.role: login.email for login in plan.logins},
            today=timezone.localdate(),
        )
        # After the items: the demo team's coming coach visit becomes a Visit of its coach.
        coaching_demo_load(
            random.Random(seed), logins={login.role: login.email for login in plan.logins}
        )
        # Also after the items: the demo team's coming follow-up session becomes a session.
        followup_demo_load(
            random.Random(seed), logins={login.role: login.email for login in plan.logins}
        )
        # And the coming intervision item becomes the demo manager's group's next session.
        intervision_demo_load(
            random.Random(seed), logins={login.role: login.email for login in plan.logins}
        )
        buddies_demo_load(
            random.Random(seed), logins={login.role: login.email for login in plan.logins}
        )
        training_demo_load(
            random.Random(seed), logins={login.role: login.email for login in plan.logins}
        )
        _analyse()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo organisation %(name)s loaded in %(seconds).1f s: %(people)s people, "
                        "%(directorates)s directorates, %(departments)s departments, "
                        "%(teams)s teams, %(trainers)s trainers."
                    )
                    % {"name": plan.name, "seconds": time.monotonic() - started, **counts}
                )
            )
            self._print_logins(plan.logins, password)

    def _print_logins(self, logins: list[demo.DemoLogin], password: str | None) -> None:
        labels = _role_labels()
        shown = password or _("(the password chosen when the demo was loaded)")
        rows = [(labels.get(login.role, login.role), login.email, shown) for login in logins]
        header = (_("Role"), _("E-mail address"), _("Password"))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write(_("Demo logins (one shared password):"))
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        self.stdout.write(line)
        for row in rows:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and log in with one of these.") % {"url": demo.SITE_URL})
