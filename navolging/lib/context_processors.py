from __future__ import annotations

from navolging.accounts.models import Role


def navigation(request) -> dict:
    """The menu: only the entries the user's roles may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from django.urls import reverse
    from django.utils.translation import gettext as _

    items = [
        (reverse("home"), _("My page"), "home"),
        (reverse("notifications:agenda"), _("My agenda"), "agenda"),
    ]
    if user.has_role(Role.EMPLOYEE):
        items.append((reverse("coaching:mine"), _("Team coach"), "coach"))
        items.append((reverse("buddies:mine"), _("My buddy"), "buddy"))
    if user.has_role(Role.MANAGER, Role.TRAINER, Role.PROGRAMME_OFFICE):
        items.append((reverse("followup:session_list"), _("Follow-up sessions"), "followup"))
    items.append((reverse("followup:practice_list"), _("Best practices"), "best_practices"))
    if user.has_role(Role.MANAGER, Role.TRAINER, Role.AS, Role.PROGRAMME_OFFICE):
        # One entry: the list sends each role to its own page (the AS to what waits for them).
        items.append((reverse("training:request_list"), _("Tailored training"), "training"))
    if user.has_role(Role.MANAGER):
        items.append((reverse("intervision:my_group"), _("Intervision"), "intervision"))
    if user.has_role(Role.MANAGER, Role.PROGRAMME_OFFICE):
        items.append((reverse("dashboard:overview"), _("Dashboard"), "dashboard"))
    if user.has_role(Role.TRAINER):
        items.append((reverse("coaching:coach_home"), _("My teams"), "coach_home"))
        items.append((reverse("intervision:facilitator_groups"), _("Facilitate"), "facilitate"))
    if user.has_role(Role.PROGRAMME_OFFICE):
        items += [
            (reverse("organisation:tree"), _("Organisation"), "organisation"),
            (reverse("organisation:import_upload"), _("HR import"), "import"),
            (reverse("accounts:trainer_list"), _("Trainers"), "trainers"),
            (reverse("audit:list"), _("Audit trail"), "audit"),
            (reverse("notifications:outbox"), _("Outbox"), "outbox"),
            (reverse("intervision:round_list"), _("Intervision rounds"), "rounds"),
            (reverse("buddies:office"), _("Buddy system"), "buddy_office"),
            (reverse("coaching:office"), _("Team coaching"), "coaching_office"),
            (
                reverse("intervision:attendance_overview"),
                _("Intervision attendance"),
                "intervision_office",
            ),
        ]
    return {"nav_items": items}
