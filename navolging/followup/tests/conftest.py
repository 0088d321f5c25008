from __future__ import annotations

import importlib

import pytest
from django.apps import apps

_seed = importlib.import_module("navolging.followup.migrations.0002_default_goals_and_themes").seed


@pytest.fixture(autouse=True)
def _default_goals_and_themes(request):
    """The goals and themes the data migration gives every organisation. A transactional test
    (a browser test) empties the tables when it ends, so a later test in the same worker would
    find none: seed them again (the seed adds only what is missing)."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    _seed(apps, None)
