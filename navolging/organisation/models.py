from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from navolging.accounts.models import Language


class UnitKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    DIRECTORATE = "directorate", pgettext_lazy("unit kind", "Directorate")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")
    OTHER = "other", _("Other")


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(active=True)

    def roots(self) -> UnitQuerySet:
        return self.filter(parent__isnull=True)


class Unit(models.Model):
    """A node of the organisation chart: any depth, a head may be missing."""

    code = models.CharField(_("HR code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Unit]:
        """From the root down to the parent; one query per level (trees are shallow)."""
        chain: list[Unit] = []
        unit = self.parent
        seen = {self.pk}
        while unit is not None and unit.pk not in seen:
            seen.add(unit.pk)
            chain.append(unit)
            unit = unit.parent
        return list(reversed(chain))

    def management_team(self) -> list[Person]:
        """Derived, never typed in: this unit's head plus the heads of its direct sub-units.

        A department's MT is its head and its team leaders; a directorate's is its director
        and the department heads under it.
        """
        members: dict[int, Person] = {}
        if self.head_id:
            members[self.head_id] = self.head
        for child in self.children.filter(active=True, head__isnull=False).select_related("head"):
            members.setdefault(child.head_id, child.head)
        # The head first, then the others in Dutch name order.
        return sorted(members.values(), key=lambda p: (p.pk != self.head_id, p.sort_key()))

    def leader(self, other_than: int | None = None) -> Person | None:
        """Who leads this unit: its head, or the head of the first unit above that has one
        (a team without a team leader falls to its department head). `other_than` skips a
        person, so a head's own manager is the next head up."""
        unit: Unit | None = self
        seen: set[int] = set()
        while unit is not None and unit.pk not in seen:
            seen.add(unit.pk)
            if unit.head_id and unit.head_id != other_than:
                return unit.head
            unit = unit.parent
        return None

    @property
    def has_management_team(self) -> bool:
        return self.kind in (UnitKind.DEPARTMENT, UnitKind.DIRECTORATE)


class PersonQuerySet(models.QuerySet):
    def active(self) -> PersonQuerySet:
        return self.filter(active=True)

    def search(self, text: str) -> PersonQuerySet:
        """By employee number, or by every word of the name ("jan vries", "de vries")."""
        text = text.strip()
        if not text:
            return self.none()
        query = Q(employee_number__iexact=text)
        words = Q()
        for word in text.split():
            words &= (
                Q(first_name__icontains=word)
                | Q(prefix__icontains=word)
                | Q(last_name__icontains=word)
            )
        return self.filter(query | words)

    def managed_by(self, manager: Person) -> PersonQuerySet:
        """Everyone whose manager() is `manager`.

        The tree is walked down only to find the candidates (members of the units `manager`
        leads, directly or through units without a head, and heads of the units below); each
        candidate is then checked with Person.manager() itself, so there is one rule.
        """
        frontier = list(Unit.objects.filter(head=manager, active=True).values_list("pk", flat=True))
        units: set[int] = set()
        while frontier:
            units.update(frontier)
            frontier = [
                pk
                for pk, head in Unit.objects.filter(parent__in=frontier, active=True).values_list(
                    "pk", "head"
                )
                if pk not in units and head in (None, manager.pk)
            ]
        candidates = (
            Person.objects.filter(
                Q(unit__in=units) | Q(unit__parent__in=units) | Q(headed_units__parent__in=units)
            )
            .exclude(pk=manager.pk)
            .select_related("unit__head", "unit__parent")
            .distinct()
        )
        return self.filter(pk__in=[p.pk for p in candidates if p.manager() == manager])


class Person(models.Model):
    """Someone in the HR export. Never deleted by an import: leavers become inactive."""

    employee_number = models.CharField(_("employee number"), max_length=32, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    prefix = models.CharField(
        _("prefix"),
        max_length=30,
        blank=True,
        help_text=_("Tussenvoegsel, e.g. 'de' or 'van der'."),
    )
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="members"
    )
    active = models.BooleanField(_("active"), default=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # Dutch order: "Jan de Vries" sorts under V.
        ordering = ["last_name", "first_name", "prefix", "employee_number"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["unit", "last_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.prefix, self.last_name) if part)

    @property
    def sorted_name(self) -> str:
        """ "Vries, Jan de": the way a Dutch list shows a name it sorts under V."""
        rest = " ".join(part for part in (self.first_name, self.prefix) if part)
        return f"{self.last_name}, {rest}" if rest else self.last_name

    def sort_key(self) -> tuple[str, str, str]:
        return (self.last_name.lower(), self.first_name.lower(), self.prefix.lower())

    @property
    def is_manager(self) -> bool:
        return self.headed_units.filter(active=True).exists()

    def manager(self) -> Person | None:
        """The head of one's unit; for a head, the first head above who is someone else."""
        return self.unit.leader(other_than=self.pk)


class ProgrammeScope(models.TextChoices):
    TEAM = "team", _("Team")
    MANAGEMENT_TEAM = "mt", _("Management team")


class BaseProgramme(models.Model):
    """Base programme status of a team or of a unit's management team."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="base_programmes"
    )
    scope = models.CharField(_("for"), max_length=4, choices=ProgrammeScope.choices)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers involved"),
        blank=True,
        related_name="base_programmes",
        limit_choices_to={"is_trainer": True},
    )
    #: The external head trainer of this team or MT: decides on tailored training with its
    #: manager and the AS. One of `trainers`.
    head_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head trainer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="head_trainer_of",
        limit_choices_to={"is_trainer": True},
    )

    class Meta:
        verbose_name = _("base programme")
        verbose_name_plural = _("base programmes")
        constraints = [
            models.UniqueConstraint(fields=["unit", "scope"], name="one_base_programme_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_scope_display()})"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class OrganisationSettings(models.Model):
    """Settings the organisation itself chooses. One row."""

    name = models.CharField(_("organisation name"), max_length=200, default="Organisatie")
    as_label_nl = models.CharField(
        _("label of the AS role (Dutch)"), max_length=100, default="AS (HR-adviseur)"
    )
    as_label_en = models.CharField(
        _("label of the AS role (English)"), max_length=100, default="AS (HR adviser)"
    )

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> OrganisationSettings:
        # Reading must not write (GET requests never write): unsaved defaults until edited.
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def as_label(self, language: str) -> str:
        return self.as_label_en if language == "en" else self.as_label_nl


class ImportMapping(models.Model):
    """A saved column mapping, reused when a file with the same headers comes again."""

    signature = models.CharField(max_length=64, unique=True)
    headers = models.JSONField()
    mapping = models.JSONField(help_text="file header -> field name")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return ", ".join(self.headers)[:80]
