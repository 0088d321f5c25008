"""Server time of the main pages on the database that DATABASE_URL / NAVOLGING_VAR_DIR name.

Run by bench/run.py in a subprocess whose environment points at a freshly loaded demo; prints
one JSON object. Times are in-process (Django's test Client): the server's own work, without
the network and without a browser.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navolging.settings")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    import django

    # WhiteNoise warns that collectstatic never ran; the benchmark fetches no static files.
    warnings.filterwarnings("ignore", "No directory at")
    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse

    from navolging.accounts.models import User
    from navolging.organisation.demo import demo_logins_recorded
    from navolging.organisation.models import Person, UnitKind

    users = {login.role: User.objects.get(email=login.email) for login in demo_logins_recorded()}
    office, manager = users["office"], users["manager"]
    department = manager.person.headed_units.get(kind=UnitKind.DEPARTMENT)
    common = (
        Person.objects.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")[0]
    )["last_name"]
    pages = [
        ("health", "trivial page (/health)", None, reverse("health")),
        ("login", "login page (trivial HTML)", None, reverse("accounts:login")),
        ("tree", "organisation tree", office, reverse("organisation:tree")),
        (
            "department",
            "department page",
            office,
            reverse("organisation:unit_detail", args=[department.pk]),
        ),
        (
            "search",
            f"person search '{common}'",
            office,
            reverse("organisation:person_search") + "?q=" + common,
        ),
        ("home", "home (Mijn pagina), manager", manager, reverse("home")),
        ("dashboard", "dashboard, organisation (office)", office, reverse("dashboard:overview")),
        # Each dashboard page twice: with the figures kept (DASHBOARD_CACHE_SECONDS: what users
        # meet, as kept figures are refreshed beside the pages) and worked out for the request
        # (cold: the first page after a server start, or after a quiet night).
        ("dashboard_cold", "  same, cold (worked out now)", office, reverse("dashboard:overview")),
        (
            "dashboard_manager",
            "dashboard, manager's department",
            manager,
            reverse("dashboard:unit", args=[department.pk]),
        ),
        (
            "dashboard_manager_cold",
            "  same, cold (worked out now)",
            manager,
            reverse("dashboard:unit", args=[department.pk]),
        ),
    ]
    results = []
    for key, label, user, url in pages:
        kept = override_settings(DASHBOARD_CACHE_SECONDS=0 if key.endswith("_cold") else 300)
        kept.enable()
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        for _ in range(args.warmup):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
        results.append(
            {
                "key": key,
                "label": label,
                "median_ms": statistics.median(times),
                "p95_ms": percentile(times, 0.95),
                "runs": args.runs,
            }
        )
        kept.disable()
    json.dump({"vendor": connection.vendor, "pages": results}, sys.stdout)


if __name__ == "__main__":
    main()
