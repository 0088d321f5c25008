"""The office sets a base programme's head trainer: one of its trainers involved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from navolging.organisation.models import BaseProgramme

from .helpers import other_trainer

pytestmark = pytest.mark.django_db


def _url(cast) -> str:
    return reverse("organisation:base_programme_edit", kwargs={"pk": cast.team.pk, "scope": "team"})


def test_the_office_sets_the_head_trainer(cast, client_as):
    response = client_as("office").post(
        _url(cast),
        {
            "completed_on": "2025-11-01",
            "trainers": [cast.trainer.pk],
            "head_trainer": cast.trainer.pk,
        },
    )
    assert response.status_code == 302
    assert BaseProgramme.objects.get().head_trainer == cast.trainer


def test_the_head_trainer_must_be_one_of_the_trainers_involved(cast, client_as):
    second = other_trainer()
    response = client_as("office").post(
        _url(cast),
        {"completed_on": "2025-11-01", "trainers": [cast.trainer.pk], "head_trainer": second.pk},
    )
    assert response.status_code == 200  # the form again, with the message
    assert response.context["form"].errors["head_trainer"]
    assert not BaseProgramme.objects.exists()


def test_leaving_the_trainers_clears_the_head_trainer_only_when_asked(cast, client_as):
    client = client_as("office")
    client.post(
        _url(cast),
        {
            "completed_on": "2025-11-01",
            "trainers": [cast.trainer.pk],
            "head_trainer": cast.trainer.pk,
        },
    )
    client.post(_url(cast), {"completed_on": "2025-11-01", "trainers": [cast.trainer.pk]})
    assert BaseProgramme.objects.get().head_trainer is None
