from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("English")


class Role(models.TextChoices):
    """Roles a user can hold. Manager and employee are derived from the HR data."""

    EMPLOYEE = "employee", _("Employee")
    MANAGER = "manager", _("Manager")
    TRAINER = "trainer", _("Trainer")
    AS = "as", _("AS")
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    ADMIN = "admin", _("Technical administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Employees also have a Person (HR data); trainers and office staff may not."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("technical administrator"),
        default=False,
        help_text=_("May use the technical administration (Django admin)."),
    )
    is_programme_office = models.BooleanField(_("programme office"), default=False)
    is_trainer = models.BooleanField(_("external trainer"), default=False)
    is_as = models.BooleanField(_("AS"), default=False)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    # Raising this ends every session of the user at their next request (R8).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        if person is not None:
            return person.full_name
        return self.name or self.email

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django compares this hash on every request; it now also changes when all sessions
        # of the user are ended, not only when the password changes.
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "navolging.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def person_or_none(self):
        try:
            return self.person
        except models.ObjectDoesNotExist:
            return None

    @property
    def is_manager(self) -> bool:
        person = self.person_or_none
        return person is not None and person.is_manager

    def roles(self) -> set[str]:
        """All roles this user holds now; one place for the whole product to ask."""
        roles: set[str] = set()
        person = self.person_or_none
        if person is not None and person.active:
            roles.add(Role.EMPLOYEE)
            if person.is_manager:
                roles.add(Role.MANAGER)
        if self.is_trainer:
            roles.add(Role.TRAINER)
        if self.is_as:
            roles.add(Role.AS)
        if self.is_programme_office:
            roles.add(Role.PROGRAMME_OFFICE)
        if self.is_staff:
            roles.add(Role.ADMIN)
        return roles

    def has_role(self, *roles: str) -> bool:
        if not self.is_authenticated or not self.is_active:
            return False
        mine = getattr(self, "_roles_cache", None)
        if mine is None:
            mine = self._roles_cache = self.roles()
        return bool(mine.intersection(roles))
