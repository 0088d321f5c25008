"""The pure validator and planner: every error class with its row and reason, both tree
shapes, derived heads, and a fuzz test that random rows never crash it."""

from __future__ import annotations

import pathlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navolging.organisation.importing import fields
from navolging.organisation.importing.plan import CurrentState, UnitState, make_plan
from navolging.organisation.importing.reader import Table, read_table
from navolging.organisation.importing.validate import validate

from .test_import_fixtures import (
    CAST_HEADERS,
    LEVEL_HEADERS,
    LIMITS,
    TODAY,
    cast_level_rows,
    cast_rows,
    mapping,
    table,
)

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "docs" / "examples" / "hr-export.csv"


def check(headers, rows, **kwargs):
    t = table(headers, rows)
    return validate(t, mapping(t), today=TODAY, **kwargs)


def errors(headers, rows, **kwargs) -> list[str]:
    result = check(headers, rows, **kwargs)
    assert result.parsed is None
    return [str(e) for e in result.errors]


def only_error(headers, rows, **kwargs) -> str:
    found = errors(headers, rows, **kwargs)
    assert len(found) == 1, found
    return found[0]


def test_the_cast_file_is_valid():
    result = check(CAST_HEADERS, cast_rows(), known_unit_codes=frozenset({"ORG"}))
    assert result.errors == []
    assert set(result.parsed.people) == {"1001", "1002", "1003", "1004", "1005"}


def test_it_reports_a_duplicate_employee_number_with_both_rows():
    rows = cast_rows()
    rows[3][0] = "1003"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 5, column “Personeelsnummer”")
    assert "1003 also appears in row 4" in message


def test_it_reports_an_unknown_parent_unit():
    message = only_error(CAST_HEADERS, cast_rows())  # ORG is not in the file nor the database
    assert message.startswith("Row 2, column “Bovenliggende eenheid”")
    assert "Unknown unit ORG" in message


def test_it_reports_an_unknown_manager():
    rows = cast_rows()
    rows[3][9] = "9999"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 5, column “Leidinggevende”")
    assert "Unknown manager 9999" in message


def test_it_reports_a_loop_in_the_manager_chain():
    rows = cast_rows()
    rows[0][9] = "1003"  # the director reports to the team leader, who reports up to her
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert "The managers form a loop: " in message
    assert "1001 → 1003 → 1002 → 1001" in message or "1003 → 1002 → 1001 → 1003" in message


def test_it_reports_someone_managing_themselves():
    rows = cast_rows()
    rows[3][9] = "1004"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 5, column “Leidinggevende”: Jan van den Berg cannot be")


def test_it_reports_a_loop_in_the_unit_tree():
    rows = cast_rows()
    rows[0][7] = "TEAM1"  # the directorate under the team under the department under it
    found = errors(CAST_HEADERS, rows)
    assert any("The units form a loop: " in m and "DIR1" in m for m in found), found


def test_it_reports_a_missing_required_field():
    rows = cast_rows()
    rows[2][3] = ""
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message == "Row 4, column “Achternaam”: This field is required."


def test_it_reports_a_bad_email_address():
    rows = cast_rows()
    rows[1][4] = "pieter.vries(at)example.org"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 3, column “E-mail”")
    assert "is not a valid e-mail address" in message


def test_it_reports_an_email_address_used_twice():
    rows = cast_rows()
    rows[4][4] = "JAN.BERG@example.org"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert "jan.berg@example.org is also used in row 5" in message


def test_it_reports_a_unit_with_two_parents():
    rows = cast_rows()
    rows[3][7] = "AFD2"
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 5, column “Bovenliggende eenheid”")
    assert "has parent AFD2 here but AFD1 in row 4" in message


def test_it_reports_every_bad_row_not_only_the_first():
    rows = cast_rows()
    rows[1][4] = "geen-adres"
    rows[2][1] = ""
    assert len(errors(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))) == 2


def test_it_asks_for_the_required_columns():
    t = table(["Naam", "Mail"], [["Jan", "jan@example.org"]])
    result = validate(t, {"Naam": "first_name", "Mail": "email"}, today=TODAY)
    text = " ".join(str(e) for e in result.errors)
    assert "Choose a column for “Employee number”" in text
    assert "Choose the unit columns" in text


def test_it_reads_the_level_shape_and_derives_heads_from_managers():
    t = read_table(EXAMPLE.read_bytes(), "hr-export.csv", **LIMITS)
    result = validate(t, mapping(t), today=TODAY)
    assert result.errors == []
    units = result.parsed.units
    assert units["dienstverlening"].kind == "directorate"
    assert units["dienstverlening/burgerzaken"].parent_code == "dienstverlening"
    heads = {code: unit.head_number for code, unit in units.items()}
    assert heads == {
        "dienstverlening": "1001",  # the director: the department heads report to her
        "dienstverlening/burgerzaken": "1002",  # sits alone; his team leaders report to him
        "dienstverlening/burgerzaken/balie": "1003",  # the team leader sits in her team
        "dienstverlening/burgerzaken/documenten": "1007",
        "dienstverlening/belastingen": "1009",
        "ruimte": "1010",
        # Nobody leads Wonen itself: its member reports to the director, who sits one level up
        # and so heads both.
        "ruimte/wonen": "1010",
    }
    assert result.parsed.warnings == []


def test_a_team_leader_booked_on_the_department_heads_the_team():
    rows = [
        ["1", "Ada", "", "Hoofd", "a@example.org", "", "D", "Afd", "", "", ""],
        ["2", "Bo", "", "Leider", "b@example.org", "", "D", "Afd", "", "1", ""],
        ["3", "Cas", "", "Lid", "c@example.org", "", "D", "Afd", "T", "2", ""],
        ["4", "Dirk", "", "Lid", "d@example.org", "", "D", "Afd", "T", "2", ""],
        ["5", "Eva", "", "Staf", "e@example.org", "", "D", "Afd", "", "1", ""],
    ]
    result = check(LEVEL_HEADERS, rows)
    assert result.parsed.units["d/afd/t"].head_number == "2"
    assert result.parsed.units["d/afd"].head_number == "1"


def test_it_warns_when_members_of_a_unit_report_to_different_managers():
    rows = [
        ["1", "Ada", "", "Hoofd", "a@example.org", "", "D", "Afd", "", "", ""],
        ["2", "Bo", "", "Leider", "b@example.org", "", "D", "Afd", "T", "1", ""],
        ["3", "Cas", "", "Lid", "c@example.org", "", "D", "Afd", "T", "2", ""],
        ["4", "Dirk", "", "Lid", "d@example.org", "", "D", "Afd", "T", "2", ""],
        ["5", "Eva", "", "Lid", "e@example.org", "", "D", "Afd", "T", "1", ""],
    ]
    result = check(LEVEL_HEADERS, rows)
    assert result.parsed.units["d/afd/t"].head_number == "2"
    [warning] = [str(w) for w in result.parsed.warnings]
    assert "Unit T: members report to different managers" in warning
    assert "Bo Leider (2) (2), Ada Hoofd (1) (1)" in warning


def test_an_explicit_head_column_wins_over_the_managers():
    headers = CAST_HEADERS + ["Leidinggevende van eenheid"]
    rows = [row + [""] for row in cast_rows()]
    rows[4][-1] = "1005"  # the file says Kees heads his department; nobody reports to him
    result = check(headers, rows, known_unit_codes=frozenset({"ORG"}))
    assert result.parsed.units["AFD2"].head_number == "1005"
    assert result.parsed.units["TEAM1"].head_number == "1003"  # still derived
    assert result.parsed.units["DIR1"].head_number == "1001"


def test_it_warns_when_the_named_head_is_not_whom_the_members_report_to():
    headers = CAST_HEADERS + ["Leidinggevende van eenheid"]
    rows = [row + [""] for row in cast_rows()]
    rows[3][-1] = "1004"  # the file says Jan heads Team Balie, but Jan reports to Fatima
    result = check(headers, rows, known_unit_codes=frozenset({"ORG"}))
    assert result.parsed.units["TEAM1"].head_number == "1004"
    [warning] = [str(w) for w in result.parsed.warnings]
    assert "Unit Team Balie: the file names Jan van den Berg (1004) as head" in warning
    assert "report to Pieter de Vries (1002)" in warning or "Fatima Amrani (1003)" in warning


def test_an_is_head_flag_marks_the_head():
    headers = [h for h in CAST_HEADERS if h != "Leidinggevende"] + ["Is leidinggevende"]
    rows = [
        row[:9] + [flag]
        for row, flag in zip(cast_rows(), ["ja", "ja", "x", "nee", ""], strict=True)
    ]
    result = check(headers, rows, known_unit_codes=frozenset({"ORG"}))
    heads = {code: u.head_number for code, u in result.parsed.units.items()}
    assert heads == {"DIR1": "1001", "AFD1": "1002", "TEAM1": "1003", "AFD2": None, "ORG": None}


def test_an_end_date_in_the_past_makes_a_leaver_and_dates_may_be_dutch_or_iso():
    headers = CAST_HEADERS + ["Datum uit dienst"]
    rows = [row + [""] for row in cast_rows()]
    rows[3][-1] = "31-12-2025"
    rows[4][-1] = "2030-01-31"
    result = check(headers, rows, known_unit_codes=frozenset({"ORG"}))
    assert result.parsed.people["1004"].active is False
    assert result.parsed.people["1005"].active is True
    rows[4][-1] = "31 december"
    assert "is not a date; use dd-mm-yyyy" in only_error(
        headers, rows, known_unit_codes=frozenset({"ORG"})
    )


def test_a_new_file_is_all_new_and_the_same_state_is_no_change():
    result = check(CAST_HEADERS, cast_rows(), known_unit_codes=frozenset({"ORG"}))
    org = UnitState(1, "ORG", "Gemeente", "organisation", None, None, True)
    plan = make_plan(result.parsed, CurrentState(units={"ORG": org}))
    assert plan.counts()["people_new"] == 5
    assert plan.counts()["units_new"] == 4  # ORG is only referenced as a parent
    assert plan.counts()["units_changed"] == 0


ORG = UnitState(1, "ORG", "Gemeente", "organisation", None, None, True)


def test_a_level_file_without_an_organisation_level_places_its_top_units_under_the_root():
    result = check(LEVEL_HEADERS, cast_level_rows())
    plan = make_plan(result.parsed, CurrentState(units={"ORG": ORG}), root_code="ORG")
    assert plan.root_code == "ORG"
    parents = {c.key: c.changes["parent"][1] for c in plan.units_new}
    assert parents["directie-dienstverlening"] == "ORG"
    assert parents["directie-dienstverlening/afdeling-burgerzaken"] == "directie-dienstverlening"
    assert plan.units_gone == [] and plan.units_changed == []
    # Without a root the directorate is a root itself, and ORG leaves.
    plan = make_plan(result.parsed, CurrentState(units={"ORG": ORG}))
    parents = {c.key: c.changes["parent"][1] for c in plan.units_new}
    assert parents["directie-dienstverlening"] is None
    assert [c.key for c in plan.units_gone] == ["ORG"]


def test_an_existing_top_unit_moves_under_the_root_once():
    result = check(LEVEL_HEADERS, cast_level_rows())
    top = UnitState(
        2, "directie-dienstverlening", "Directie Dienstverlening", "directorate", None, "1001", True
    )
    state = CurrentState(units={"ORG": ORG, top.code: top})
    [changed] = make_plan(result.parsed, state, root_code="ORG").units_changed
    assert changed.changes == {"parent": (None, "ORG")}
    moved = UnitState(2, top.code, top.name, top.kind, "ORG", "1001", True)
    state = CurrentState(units={"ORG": ORG, top.code: moved})
    assert make_plan(result.parsed, state, root_code="ORG").units_changed == []


def test_the_root_is_not_used_by_a_file_with_unit_codes_or_its_own_organisation_level():
    codes = check(CAST_HEADERS, cast_rows(), known_unit_codes=frozenset({"ORG"}))
    plan = make_plan(codes.parsed, CurrentState(units={"ORG": ORG}), root_code="ORG")
    assert plan.root_code is None
    assert {c.key: c.changes["parent"][1] for c in plan.units_new}["DIR1"] == "ORG"  # the file's
    headers = LEVEL_HEADERS + ["Organisatie"]
    levels = check(headers, [row + ["Gemeente"] for row in cast_level_rows()])
    plan = make_plan(levels.parsed, CurrentState(units={"ORG": ORG}), root_code="ORG")
    assert plan.root_code is None
    assert {c.key: c.changes["parent"][1] for c in plan.units_new}["gemeente"] is None


# -- fuzzing ---------------------------------------------------------------------------------
HEADERS = [
    "Personeelsnummer",
    "Voornaam",
    "Achternaam",
    "E-mail",
    "Eenheidscode",
    "Bovenliggende eenheid",
    "Leidinggevende",
    "Datum uit dienst",
    "Taal",
    "Hoofd",
]
cell = st.one_of(
    st.sampled_from(
        ["", "1", "2", "3", "A", "B", "ja", "nl", "x@example.org", "01-02-2020", "=1+1", "  ", "é"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=12))
def test_random_rows_never_crash_the_validator(rows):
    t = Table(HEADERS, rows, list(range(2, len(rows) + 2)), "csv")
    result = validate(
        t, fields.guess_mapping(HEADERS), today=TODAY, known_unit_codes=frozenset({"A"})
    )
    assert (result.parsed is None) == bool(result.errors)
    if result.parsed is None:
        assert all(isinstance(str(e), str) for e in result.errors)
    else:
        plan = make_plan(result.parsed, CurrentState())
        assert plan.counts()["people_new"] == len(result.parsed.people)


def test_the_example_with_unit_codes_is_valid_and_names_its_heads():
    path = EXAMPLE.with_name("hr-export-codes.csv")
    t = read_table(path.read_bytes(), path.name, **LIMITS)
    assert t.delimiter == ","
    result = validate(t, mapping(t), today=TODAY)
    assert result.errors == []
    assert result.parsed.shape.tree == "codes"
    assert result.parsed.units["TEAM1"].head_number == "1003"
    assert result.parsed.units["ORG"].parent_code is None


def test_it_refuses_a_value_that_a_spreadsheet_would_run_as_a_formula():
    rows = cast_rows()
    rows[2][1] = '=HYPERLINK("http://evil.example/","klik")'
    message = only_error(CAST_HEADERS, rows, known_unit_codes=frozenset({"ORG"}))
    assert message.startswith("Row 4, column “Voornaam”")
    assert "looks like a formula" in message


def test_formula_starts_in_every_form_are_refused_but_numbers_are_data():
    from navolging.organisation.importing.validate import looks_like_formula

    for value in ("=1+1", "@SUM(A1)", "+A1", "-2+3+cmd|' /C calc'!A0", "\t=1"):
        assert looks_like_formula(value), value
    for value in ("-12", "+31 20 123 4567", "Jan", "de Vries", "1.5"):
        assert not looks_like_formula(value), value
