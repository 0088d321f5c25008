from __future__ import annotations

import pytest
from django.test import Client

from navolging.lib.testing import make_cast

pytest_plugins = ["navolging.lib.browser"]


@pytest.fixture(autouse=True)
def _fresh_dashboard_figures(settings):
    """Every test sees its own data on the dashboard, not figures kept from an earlier one."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def client_as(cast):
    """client_as("manager") -> a test client logged in as that member of the cast."""

    def make(role: str) -> Client:
        client = Client()
        user = cast.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests need no collectstatic run: serve the static files as they are in the tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_mail_waiting_for_a_commit():
    # Mail written in a test's transaction waits in the thread for a commit that never comes;
    # the next test in this thread must not send it (or count it against the send limit).
    from navolging.notifications import services

    services._written.pks = []


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request leaves its language active in the thread; each test starts in the default,
    # as a fresh process (a command from cron, a new request) would.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
