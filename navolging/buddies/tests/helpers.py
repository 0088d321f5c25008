"""Shared by the buddy tests."""

from __future__ import annotations

from navolging.buddies import pairing, services
from navolging.buddies.models import Participant


def join(person, *, trusted=(), not_with=(), **extra) -> Participant:
    """`person` joins the buddy system through the service, as the page would do it."""
    values = {
        "wishes": [pairing.LISTENING_EAR],
        "own_team_ok": True,
        "location": "Stadskantoor",
        "language": "nl",
        "trusted": list(trusted),
        "not_with": list(not_with),
    }
    return services.participant_save(person=person, **{**values, **extra})
