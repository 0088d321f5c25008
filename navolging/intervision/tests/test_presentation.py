"""The engine's codes and parameters as text on the round page: translated, with names."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import override

from navolging.intervision import formation, presentation, rounds
from navolging.intervision.models import Group, Membership, Round

NAMES = {"100": "Anna de Vries", "200": "Bram Bakker", "300": "Cor Smit"}
NUMBERS = re.compile(r"\b[123]00\b")

# Parameters as the engine writes them, one example per code: a new code needs an example
# here, and a text in presentation.py.
NOTES = {
    formation.NOTE_TWICE: {"person": "100", "times": 2},
    formation.NOTE_NOT_PLACED: {"people": ["100", "200"]},
    formation.NOTE_UNKNOWN: {"people": ["300"]},
    formation.NOTE_UNIT_TOO_LARGE: {"people": ["100", "200", "300"], "max": 10},
    formation.NOTE_CONTRADICTION: {"pairs": [["100", "200"]]},
    formation.NOTE_TOO_FEW: {"count": 3, "min": 4},
    formation.NOTE_SIZES_IMPOSSIBLE: {"count": 19, "min": 8, "max": 9},
    formation.NOTE_OUTSIDE_DEPARTMENT: {"person": "100"},
    formation.NOTE_MANAGEMENT_TEAM: {"kind": "department", "unit": "AFD1"},
    formation.NOTE_MERGED: {
        "kind": "department",
        "unit": "AFD1",
        "size": 2,
        "min": 4,
        "into_kind": "directorate",
        "into_unit": "DIR1",
        "into_size": 4,
    },
    formation.NOTE_NO_MERGE: {"size": 1, "min": 4},
    formation.NOTE_SPLIT: {
        "kind": "department",
        "unit": "AFD1",
        "size": 23,
        "max": 10,
        "parts": 3,
        "smallest": 7,
        "largest": 8,
    },
    formation.NOTE_LEFT: {"person": "100"},
    formation.NOTE_MOVED_OUT: {"person": "100"},
    formation.NOTE_NEW_GROUP: {},
    formation.NOTE_JOINED: {"people": ["100", "200"]},
    formation.NOTE_GROUP_DISSOLVED: {
        "number": 3,
        "notes": [
            {"code": formation.NOTE_LEFT, "params": {"person": "300"}},
            {"code": formation.NOTE_DISSOLVED, "params": {"min": 4}},
        ],
    },
    formation.NOTE_MOVED_TO_SMALL: {"person": "100"},
    formation.NOTE_TOPPED_UP: {"person": "100", "min": 4},
    formation.NOTE_JOINED_FROM_DISSOLVED: {"person": "100", "min": 4},
    formation.NOTE_DISSOLVED: {"min": 4},
    formation.NOTE_CANNOT_FIX: {"min": 4},
}
CHECKS = [
    (formation.RULE_SIZE, False, {"size": 1, "min": 4, "max": 10}),
    (formation.RULE_SIZE, True, {"size": 5, "min": 4, "max": 10}),
    (formation.RULE_OWN_MANAGER, False, {"pairs": [["100", "200"], ["200", "300"]]}),
    (formation.RULE_OWN_MANAGER, True, {"pairs": []}),
    (formation.RULE_CANNOT_LINK, False, {"pairs": [["100", "300"]]}),
    (formation.RULE_CANNOT_LINK, True, {"pairs": []}),
    (formation.RULE_MUST_LINK, False, {"kept": [], "apart": [["100", "200"]]}),
    (formation.RULE_KEEP_TOGETHER, True, {"kept": [["100", "200", "300"]], "apart": []}),
    (formation.RULE_REPEAT, False, {"pairs": [["100", "200"]]}),
    (formation.RULE_REPEAT, True, {"pairs": []}),
    (formation.RULE_SPREAD, True, {"attributes": [["department", 3, 2], ["directorate", 2, 3]]}),
]


def _codes(prefix: str) -> set[str]:
    return {v for k, v in vars(formation).items() if k.startswith(prefix)}


def test_every_engine_code_has_a_text_of_its_own():
    assert set(NOTES) == _codes("NOTE_") == set(presentation._NOTES)
    assert {rule for rule, _, _ in CHECKS} == _codes("RULE_")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_texts_name_people_and_never_show_a_known_employee_number(language):
    # The Dutch catalogue gets these texts from the lead; until then Dutch shows the English
    # text, so in Dutch this checks only that names and numbers are filled in.
    with override(language):
        texts = [presentation.note_text({"code": c, "params": p}, NAMES) for c, p in NOTES.items()]
        texts += [
            presentation.check_text({"rule": r, "holds": h, "params": p}, NAMES)
            for r, h, p in CHECKS
        ]
    for text in texts:
        assert text and "%(" not in text and not NUMBERS.search(text), text
    joined = " ".join(texts)
    assert all(name in joined for name in NAMES.values())


def test_english_texts_say_what_the_engine_found():
    with override("en"):
        own_manager = presentation.check_text(
            {"rule": "own_manager", "holds": False, "params": {"pairs": [["100", "200"]]}}, NAMES
        )
        size = presentation.check_text(
            {"rule": "size", "holds": False, "params": {"size": 1, "min": 4, "max": 10}}, NAMES
        )
        merged = presentation.note_text(
            {"code": "merged", "params": NOTES[formation.NOTE_MERGED]},
            NAMES,
            {"AFD1": "Afdeling Burgerzaken"},
        )
        joined = presentation.note_text({"code": "joined", "params": {"people": ["100", "9"]}}, {})
        dissolved = presentation.note_text(
            {"code": "group_dissolved", "params": NOTES[formation.NOTE_GROUP_DISSOLVED]}, NAMES
        )
    assert own_manager == (
        "Anna de Vries and Bram Bakker may not sit together: manager and direct report."
    )
    assert size == "This group has 1 member; a group has 4 to 10 members."
    assert merged == (
        "Merged with Afdeling Burgerzaken: that group had only 2 members, fewer than the minimum "
        "of 4. The smallest group in the same directorate was directorate DIR1."
    )
    assert joined == "New in this group: 100 and 9."  # no name known: the number
    assert dissolved == (
        "Group 3 was dissolved. Cor Smit no longer takes part. Dissolved: fewer than 4 members."
    )


def test_reports_stored_before_the_codes_show_their_own_text():
    check = {"rule": "size", "holds": False, "detail": "2 members; allowed 4 to 10."}
    assert presentation.check_text(check, NAMES) == "2 members; allowed 4 to 10."
    assert presentation.note_text("E005 left.", NAMES) == "E005 left."
    # a code this version does not know: the engine's own words, rather than nothing
    unknown = {"code": "something_new", "params": {"person": "100"}}
    assert "something_new" in presentation.note_text(unknown, NAMES)


def test_the_engine_and_the_texts_agree_on_every_parameter():
    """Texts straight from engine runs, without the fallback that hides a missing key."""
    people = [
        formation.Person(f"p{k}", department=f"d{k % 3}", directorate="x", manager="p0")
        for k in range(30)
    ] + [formation.Person("lone", directorate="x")]
    structured = formation.form_structured(
        [formation.Person(p.id, p.department, p.directorate) for p in people[:23]]
        + [formation.Person("a1", "small", "x"), formation.Person("a2", "small", "x")],
        formation.Rules(max_size=8),
    )
    groups = [[f"p{k}" for k in range(a, a + 6)] for a in range(0, 30, 6)]
    amended = formation.amend(people[5:], groups, formation.Rules(max_size=8))
    scored = formation.score(
        people,
        groups[:2] + [["p0", "p0"]],
        formation.Rules(must_link=[("p1", "p7")], earlier_rounds=[groups]),
    )
    seen = set()
    for proposal in (structured, amended, scored):
        for note in proposal.notes + [n for r in proposal.reports for n in r.notes]:
            presentation._NOTES[note.code](note.as_json()["params"], {}, {})
            seen.add(note.code)
        for report in proposal.reports:
            for check in report.checks:
                presentation._check(check.rule, check.holds, dict(check.params), {})
                seen.add(check.rule)
    assert len(seen) >= 12


@pytest.fixture
def draft(cast):
    """A round whose group breaks a rule the way the engine reports it: the director with
    their own department head."""
    round_ = Round.objects.create(
        name="Proefronde",
        mode="mixed",
        starts_on=date(2027, 1, 11),
        ends_on=date(2027, 7, 2),
        notes=[
            {
                "code": formation.NOTE_NOT_PLACED,
                "params": {"people": [cast.outsider.employee_number]},
            }
        ],
    )
    members = [cast.director, cast.manager]
    people = [formation.Person(p.employee_number) for p in members]
    people[1] = formation.Person(cast.manager.employee_number, manager=people[0].id)
    proposal = formation.score(people, [[p.id for p in people]], formation.Rules())
    report = rounds._report_json(proposal.reports[0])
    report["notes"] = [{"code": formation.NOTE_LEFT, "params": {"person": "9999"}}]
    group = Group.objects.create(round=round_, name="1", report=report)
    Membership.objects.bulk_create(Membership(group=group, person=p) for p in members)
    return round_


def test_names_for_a_round_come_in_one_query(draft, cast, django_assert_num_queries):
    groups = list(draft.groups.all())
    with django_assert_num_queries(1):
        names = presentation.round_names(draft, groups)
    assert names == {
        "1001": "Ineke Bakker",  # members
        "1002": "Pieter de Vries",
        "1005": "Kees Jansen",  # named in the round's notes
    }


def test_the_round_page_names_people_in_a_broken_rule(draft, client_as):
    page = client_as("office").get(reverse("intervision:round_detail", args=[draft.pk]))
    body = page.content.decode()
    broken = re.findall(r'<p class="utrecht-paragraph nv-broken">(.*?)</p>', body, re.S)
    assert any("Ineke Bakker" in p and "Pieter de Vries" in p for p in broken), broken
    assert not any("1001" in p or "1002" in p for p in broken)
    assert "Regel gebroken:" in body  # Dutch by default
    assert "Kees Jansen" in body  # the round's own notes, at the top
    assert "9999" in body  # a leaver the organisation no longer knows: the number


def test_the_round_page_still_shows_reports_stored_as_text(draft):
    group = draft.groups.get()
    group.report = {
        "ok": False,
        "checks": [{"rule": "size", "holds": False, "detail": "2 members; allowed 4 to 10."}],
        "notes": ["E005 left."],
    }
    group.save(update_fields=["report"])
    draft.notes = []
    draft.save(update_fields=["notes"])
    groups = [draft.groups.get()]
    assert presentation.round_texts(draft, groups) == []
    assert groups[0].broken_texts == ["2 members; allowed 4 to 10."]
    assert groups[0].note_texts == ["E005 left."]
