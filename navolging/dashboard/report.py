"""What the dashboard says: counts from metrics.Tree turned into figures a page, an export and
the PDF report show alike, each judged red, amber or green against the organisation's targets.

The one place that decides how a figure is worded and whether it may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from navolging.followup.models import Goal
from navolging.followup.selectors import FEWEST_SESSIONS
from navolging.lib.figures import share, shown
from navolging.training.models import Stage

from . import metrics
from .models import LOWER_IS_BETTER, TARGETS, Targets

GREEN, AMBER, RED = "green", "amber", "red"

RAG_LABELS = {
    GREEN: gettext_lazy("On target"),
    AMBER: gettext_lazy("Needs attention"),
    RED: gettext_lazy("Behind target"),
}

INSTRUMENTS = {
    "base": gettext_lazy("Base programme"),
    "coaching": gettext_lazy("Team coaching"),
    "intervision": gettext_lazy("Intervision"),
    "buddies": gettext_lazy("Buddy system"),
    "followup": gettext_lazy("Follow-up sessions"),
    "training": gettext_lazy("Tailored training"),
}

#: The columns of the table of units: one headline figure per instrument.
COLUMNS = (
    ("employees", gettext_lazy("Employees")),
    ("base_done", gettext_lazy("Base programme done")),
    ("coached", gettext_lazy("Teams with a coach")),
    ("on_track", gettext_lazy("Visits on track")),
    ("attendance", gettext_lazy("Intervision attendance")),
    ("buddies", gettext_lazy("In the buddy system")),
    ("followup_teams", gettext_lazy("Teams with a follow-up session")),
    ("requests", gettext_lazy("Tailored-training requests")),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    text: str
    #: The number an export writes; None where only words may be shown (a band, a hidden
    #: share), and then the export writes `text`.
    value: int | float | None = None
    rag: str | None = None
    note: str = ""
    percent: bool = False  # `value` is a percentage

    @property
    def rag_label(self) -> str:
        return str(RAG_LABELS[self.rag]) if self.rag else ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class Row:
    unit: metrics.UnitInfo
    depth: int
    figures: list[Figure]  # in the order of COLUMNS


#: Figures whose target has another name.
TARGET_OF = {"followup_teams": "followup"}


def target_of(key: str) -> str | None:
    """The target figure `key` is judged against (models.TARGETS), or None."""
    key = TARGET_OF.get(key, key)
    return key if key in dict(TARGETS) else None


def judge(value: float | None, key: str, targets: Targets) -> str | None:
    key = target_of(key)
    if value is None or key is None:
        return None
    green, amber = getattr(targets, f"{key}_green"), getattr(targets, f"{key}_amber")
    if key in LOWER_IS_BETTER:
        return GREEN if value <= green else AMBER if value <= amber else RED
    return GREEN if value >= green else AMBER if value >= amber else RED


class Overview:
    """The figures of every unit, for pages and exports. One Tree, read once."""

    def __init__(self, tree: metrics.Tree | None = None, targets: Targets | None = None):
        self.tree = tree or metrics.Tree()
        self.targets = targets or Targets.load()

    def counts(self, pk: int | None) -> metrics.Counts:
        return self.tree.whole if pk is None else self.tree.counts[pk]

    # -- single figures --------------------------------------------------------------------

    def _exact_share(self, key: str, label, part: int, whole: int, of, nothing="") -> Figure:
        """A share of teams or sessions (units and events, not people): exact."""
        if whole == 0:
            return Figure(key, str(label), "–", note=str(nothing or _("no teams")))
        percent = round(100 * part / whole)
        return Figure(
            key,
            str(label),
            f"{percent}%",
            percent,
            judge(100 * part / whole, key, self.targets),
            of % {"part": part, "whole": whole},
            percent=True,
        )

    def _people_share(self, key: str, label, pk: int | None, note: str = "") -> Figure:
        part = self.counts(pk).part(key)
        hidden = pk is not None and pk in self.tree.hidden[key]
        words = share(part, hidden=hidden)
        exact = None if words.percent is None else 100 * part.part / part.whole
        rag = judge(exact, key, self.targets)
        return Figure(key, str(label), words.text, words.percent, rag, note, percent=True)

    def _band(self, key: str, label, count: int) -> Figure:
        return Figure(key, str(label), shown(count).text)

    def figure(self, key: str, pk: int | None) -> Figure:
        c = self.counts(pk)
        teams_of = _("%(part)s of %(whole)s teams")
        if key == "employees":
            return self._band(key, _("Employees"), c.employees)
        if key == "base_done":
            return self._exact_share(
                key, _("Teams with the base programme done"), c.base_done, c.teams, teams_of
            )
        if key == "coached":
            return self._exact_share(key, _("Teams with a coach"), c.coached, c.teams, teams_of)
        if key == "on_track":
            return self._exact_share(
                key,
                _("Coached teams visited in the rhythm"),
                c.on_track,
                c.coached,
                _("%(part)s of %(whole)s coached teams"),
            )
        if key == "visits":
            return Figure(key, _("Coach visits held, last 12 months"), str(c.visits), c.visits)
        if key == "members":
            return self._band(key, _("Managers in an intervision group"), c.members)
        if key == "attendance":
            return self._people_share(
                key, _("Attendance at intervision, last 12 months"), pk, _("present of recorded")
            )
        if key == "buddies":
            return self._people_share(key, _("Employees in the buddy system"), pk)
        if key == "buddies_count":
            return self._band(key, _("Taking part in the buddy system"), c.buddies)
        if key == "paired":
            return self._band(key, _("Of them with a buddy"), c.paired)
        if key == "sessions":
            return Figure(
                key, _("Follow-up sessions held, last 12 months"), str(c.sessions), c.sessions
            )
        if key == "followup_teams":
            return self._exact_share(
                key,
                _("Teams with a follow-up session in the last 6 months"),
                c.followup_teams,
                c.teams,
                teams_of,
            )
        if key == "requests":
            return Figure(key, _("Tailored-training requests"), str(c.requests), c.requests)
        if key == "decision_days":
            days = c.median_days
            return Figure(
                key,
                _("Days from request to decision (median)"),
                "–" if days is None else number_format(days, decimal_pos=1),
                days,
                judge(days, key, self.targets),
                _("%(count)s decided") % {"count": len(c.decision_days)},
            )
        raise KeyError(key)

    # -- groups of figures -----------------------------------------------------------------

    def sections(self, pk: int | None) -> list[Section]:
        """Every figure of one unit (None: the whole organisation), per instrument."""
        c = self.counts(pk)
        stage_figures = [
            Figure(
                f"stage_{value}", str(label), str(c.stages.get(value, 0)), c.stages.get(value, 0)
            )
            for value, label in Stage.choices
        ]
        keys = {
            "base": ["base_done"],
            "coaching": ["coached", "on_track", "visits"],
            "intervision": ["members", "attendance"],
            "buddies": ["buddies", "buddies_count", "paired"],
            "followup": ["followup_teams", "sessions"],
            "training": ["requests", "decision_days"],
        }
        found = []
        for instrument, title in INSTRUMENTS.items():
            figures = [self.figure(key, pk) for key in keys[instrument]]
            if instrument == "coaching" and pk is None:
                figures.append(self.consult_figure())
            if instrument == "intervision" and pk is None:
                figures += self.organisation_figures()
            if instrument == "followup":
                figures += self.goal_figures(pk)
            if instrument == "training":
                figures += stage_figures
            found.append(Section(instrument, str(title), figures))
        return found

    def consult_figure(self) -> Figure:
        """Confidential consults of the last month that is over, for the whole organisation
        only and only as a band (per coach: the team coaching office page)."""
        month = date_format(self.tree.last_month, "F Y")
        return Figure(
            "consults",
            _("Confidential consults in %(month)s") % {"month": month},
            shown(self.tree.consults).text,
        )

    def organisation_figures(self) -> list[Figure]:
        """Intervision figures that exist for the organisation only: groups are formed
        across units."""
        kept, held = self.tree.on_schedule
        groups = self.tree.groups
        return [
            Figure("groups", _("Intervision groups meeting now"), str(groups), groups),
            self._exact_share(
                "on_schedule",
                _("Intervision sessions on schedule, last 12 months"),
                kept,
                held,
                _("%(part)s of %(whole)s sessions held"),
                nothing=_("%(part)s of %(whole)s sessions held") % {"part": 0, "whole": 0},
            ),
        ]

    def goal_figures(self, pk: int | None) -> list[Figure]:
        """Average progress per goal (1 not yet … 5 fully) over the sessions held in the last
        12 months; too few sessions give no number (followup.selectors.FEWEST_SESSIONS)."""
        goals = self.counts(pk).goals
        found = []
        for goal in Goal.objects.filter(pk__in=list(goals)):
            n, total = goals[goal.pk]
            label = _("Progress: %(goal)s") % {"goal": goal.text(get_language() or "nl")}
            if n < FEWEST_SESSIONS:
                found.append(Figure(f"goal_{goal.pk}", label, _("too few sessions")))
            else:
                average = round(total / n, 1)
                found.append(
                    Figure(
                        f"goal_{goal.pk}",
                        label,
                        f"{number_format(average, decimal_pos=1)} / 5",
                        average,
                        note=_("%(count)s sessions") % {"count": n},
                    )
                )
        return found

    def row(self, pk: int, depth: int = 0) -> Row:
        return Row(self.tree.units[pk], depth, [self.figure(key, pk) for key in dict(COLUMNS)])

    def children_rows(self, pk: int | None) -> list[Row]:
        """The units directly below `pk`. Where the chart has one top unit (the organisation
        itself, as HR delivers it) the whole organisation's table starts below it: one row with
        the figures of the page itself would tell nothing."""
        return [self.row(kid, 1) for kid in self.tree.below_top(pk)]

    def all_rows(self, pk: int | None) -> list[Row]:
        """The unit and every unit below it, in chart order (for the exports)."""
        starts = self.tree.children[None] if pk is None else [pk]
        return [
            self.row(unit, depth + (pk is None))
            for start in starts
            for unit, depth in self.tree.below(start)
        ]
