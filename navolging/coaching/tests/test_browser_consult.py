"""A confidential consult in a real browser (issue 6): an employee asks the team coach for a
conversation, the coach plans a time; the employee's team leader, the department head, the
director and the programme office then browse everything they can reach and find no trace
(R10): no text, no id, no appointment in their agenda, not one page different from before."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from navolging.coaching.models import Consult, ConsultStatus
from navolging.lib.browser import (
    assert_no_axe_violations,
    click_and_wait,
    dutch,
    log_in,
    screenshot,
)
from navolging.lib.testing import PASSWORD, pdf_drawn_text

from .helpers import assign, make_coach, soon
from .test_privacy import normalise

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MARKER = "VERTROUWELIJK-Fatima-schreeuwt-in-het-teamoverleg"
TIMES = "VERTROUWELIJK-liefst-dinsdagmiddag"
#: Enough for every menu item and every page behind them in the small cast.
CRAWL_LIMIT = 120
#: Links that change something or leave the app: a crawl only reads.
SKIP = ("/static/", "/account/uitloggen", "/account/taal", "/beheer/")
API = ["/api/me", "/api/coaching/my-coach", "/api/coaching/consults"]


def readable(raw: bytes, kind: str) -> str:
    """What a download says: the sheets of an Excel file, the drawn text of a PDF, without
    the moment the file itself was made (zip and PDF time stamps)."""
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            names = sorted(n for n in book.namelist() if not n.startswith("docProps/"))
            return "\n".join(book.read(name).decode("utf-8") for name in names)
    if "application/pdf" in kind:
        return pdf_drawn_text(raw)
    return raw.decode("utf-8", errors="replace")


def crawl(visit) -> dict[str, str]:
    """Every page reachable by following links from Mijn pagina (GET only, within the app),
    fetched with the tab's own session, as the server sent it."""
    base = visit.base_url
    todo, seen, pages = [reverse("home"), *API], set(), {}
    while todo and len(pages) < CRAWL_LIMIT:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = visit.page.context.request.get(base + path, max_redirects=0)
        body = readable(response.body(), response.headers.get("content-type", ""))
        pages[path] = f"{response.status}\n{normalise(body)}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', body):
            url = urlsplit(urljoin(base + path, unescape(href)))
            if f"{url.scheme}://{url.netloc}" != base or url.path.startswith(SKIP):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen:
                todo.append(target)
    return pages


def agenda_entries(visit) -> list[str]:
    visit.open("notifications:agenda")
    return visit.page.locator("main table tbody tr").all_inner_texts()


def test_a_consult_leaves_no_trace_for_the_managers_and_the_office(browser_cast, tab):
    cast = browser_cast
    coach = make_coach(phone="06 1234 5678")
    assign(cast.team, coach)
    for user in (coach, cast.team_leader.user, cast.manager.user, cast.director.user):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    # Everyone logs in first: a log-in is in the audit trail the office reads, and is no trace.
    jan, carla = tab(), tab()
    log_in(jan, cast.employee.email)
    log_in(carla, coach.email)
    observers = {}
    for who, email in (
        ("team leader", cast.team_leader.email),
        ("department head", cast.manager.email),
        ("director", cast.director.email),
        ("programme office", cast.office.email),
    ):
        observers[who] = tab()
        log_in(observers[who], email)
    before = {who: crawl(visit) for who, visit in observers.items()}
    assert len(before["programme office"]) > 20  # the crawl really went round

    # -- the employee asks from Mijn pagina
    jan.open("home")
    click_and_wait(jan.page, f"main a[href='{reverse('coaching:consult_request')}']")
    assert_no_axe_violations(jan.page)
    assert jan.page.is_checked(f"input[name=coach][value='{coach.pk}']")  # own coach first
    jan.page.check("input[name=topic][value=prepare]")
    jan.page.fill("textarea[name=message]", MARKER)
    jan.page.fill("input[name=preferred_times]", TIMES)
    screenshot(jan.page, "consult-request")
    click_and_wait(jan.page, "form.utrecht-form button[type=submit]")
    consult = Consult.objects.get()
    assert jan.page.url.endswith(reverse("coaching:consult_detail", args=[consult.pk]))
    assert MARKER in jan.page.inner_text("main")
    assert_no_axe_violations(jan.page)

    # -- the coach finds it on My teams and plans one of the preferred times
    carla.open("coaching:coach_home")
    click_and_wait(carla.page, f"main a[href='{reverse('coaching:coach_consults')}']")
    assert_no_axe_violations(carla.page)
    click_and_wait(
        carla.page, f"main a[href='{reverse('coaching:consult_detail', args=[consult.pk])}']"
    )
    assert MARKER in carla.page.inner_text("main") and TIMES in carla.page.inner_text("main")
    assert_no_axe_violations(carla.page)
    start, _end = soon(days=4, hour=14)
    carla.page.fill("input[name=day]", start.date().isoformat())
    carla.page.fill("input[name=start]", "14:00")
    carla.page.fill("input[name=end]", "15:00")
    carla.page.fill("input[name=location]", "Kamer 3.07")
    screenshot(carla.page, "consult-plan")
    click_and_wait(carla.page, "button[name=action][value=plan]")
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.PLANNED and consult.item is not None
    assert dutch("Planned. You both get an invitation for your calendar.") in (
        carla.page.inner_text("main")
    )

    # -- the employee sees the planned time, and the appointment in the agenda
    jan.open("coaching:consult_detail", consult.pk)
    assert "Kamer 3.07" in jan.page.inner_text("main")
    screenshot(jan.page, "consult-detail")
    assert_no_axe_violations(jan.page)
    assert any(dutch("Appointment with a coach") in row for row in agenda_entries(jan))

    # -- the managers and the office browse everything they can reach: nothing changed
    secrets = [MARKER, TIMES, str(consult.pk), str(consult.item.uid), "Kamer 3.07"]
    for who, visit in observers.items():
        after = crawl(visit)
        assert set(after) == set(before[who]), f"{who} reaches other pages now"
        for path, page in after.items():
            for secret in secrets:
                assert secret not in page, f"{who} finds {secret} on {path}"
            assert page == before[who][path], f"{path} changed for the {who}"
        for row in agenda_entries(visit):
            for word in ("Appointment", "Afspraak", dutch("Appointment with a coach")):
                assert word not in row, f"{who} has an appointment in the agenda"
        direct = [
            visit.url("coaching:consult_detail", consult.pk),
            visit.url("notifications:item", consult.item.uid),
            visit.url("notifications:item_ics", consult.item.uid),
        ]
        for url in direct:
            assert visit.page.context.request.get(url).status == 404, (who, url)
