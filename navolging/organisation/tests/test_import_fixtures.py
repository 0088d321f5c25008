"""Files the HR import tests share: the cast's organisation as an export, and builders."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from navolging.organisation.importing import fields
from navolging.organisation.importing.reader import Table, read_table

TODAY = dt.date(2026, 6, 1)
LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_uncompressed_bytes": 50 * 1024 * 1024}

# The cast (navolging.lib.testing) as the HR system would export it: unit codes with parents.
CAST_HEADERS = [
    "Personeelsnummer",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "E-mail",
    "Eenheidscode",
    "Naam eenheid",
    "Bovenliggende eenheid",
    "Soort eenheid",
    "Leidinggevende",
]
CAST_ROWS = [
    [
        "1001",
        "Ineke",
        "",
        "Bakker",
        "ineke.bakker@example.org",
        "DIR1",
        "Directie Dienstverlening",
        "ORG",
        "directie",
        "",
    ],
    [
        "1002",
        "Pieter",
        "de",
        "Vries",
        "pieter.vries@example.org",
        "AFD1",
        "Afdeling Burgerzaken",
        "DIR1",
        "afdeling",
        "1001",
    ],
    [
        "1003",
        "Fatima",
        "",
        "Amrani",
        "fatima.amrani@example.org",
        "TEAM1",
        "Team Balie",
        "AFD1",
        "team",
        "1002",
    ],
    [
        "1004",
        "Jan",
        "van den",
        "Berg",
        "jan.berg@example.org",
        "TEAM1",
        "Team Balie",
        "AFD1",
        "team",
        "1003",
    ],
    [
        "1005",
        "Kees",
        "",
        "Jansen",
        "kees.jansen@example.org",
        "AFD2",
        "Afdeling Belastingen",
        "DIR1",
        "afdeling",
        "",
    ],
]

LEVEL_HEADERS = [
    "Personeelsnummer",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "E-mail",
    "Functie",
    "Directie",
    "Afdeling",
    "Team",
    "Leidinggevende",
    "Taal",
]

# The cast again, as a level-shaped export: no organisation column, heads from the managers.
# Its paths make other unit codes than the cast's (DIR1...), so those units are new.
CAST_LEVEL_ROWS = [
    line.split(";")
    for line in (
        "1001;Ineke;;Bakker;ineke.bakker@example.org;;Directie Dienstverlening;;;;nl",
        "1002;Pieter;de;Vries;pieter.vries@example.org;;Directie Dienstverlening;"
        "Afdeling Burgerzaken;;1001;nl",
        "1003;Fatima;;Amrani;fatima.amrani@example.org;;Directie Dienstverlening;"
        "Afdeling Burgerzaken;Team Balie;1002;nl",
        "1004;Jan;van den;Berg;jan.berg@example.org;;Directie Dienstverlening;"
        "Afdeling Burgerzaken;Team Balie;1003;nl",
        "1005;Kees;;Jansen;kees.jansen@example.org;;Directie Dienstverlening;"
        "Afdeling Belastingen;;;nl",
    )
]


def csv_bytes(
    headers: list[str],
    rows: list[list[str]],
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    lines = [sep.join(headers)] + [sep.join(row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table(headers: list[str], rows: list[list[str]]) -> Table:
    return read_table(csv_bytes(headers, rows), "hr.csv", **LIMITS)


def mapping(t: Table) -> dict[str, str]:
    return fields.guess_mapping(t.headers)


#: The field of each column of CAST_HEADERS, as the mapping step names them.
CAST_FIELDS = [
    "employee_number",
    "first_name",
    "prefix",
    "last_name",
    "email",
    "unit_code",
    "unit_name",
    "parent_code",
    "unit_kind",
    "manager_number",
]


def new_person_row() -> list[str]:
    """One newcomer in Team Balie, in the columns of CAST_HEADERS."""
    return [
        "2001",
        "Nieuw",
        "",
        "Mens",
        "nieuw@example.org",
        "TEAM1",
        "Team Balie",
        "AFD1",
        "team",
        "1003",
    ]


def cast_rows() -> list[list[str]]:
    return [list(row) for row in CAST_ROWS]


def cast_level_rows() -> list[list[str]]:
    return [list(row) for row in CAST_LEVEL_ROWS]


def test_the_cast_export_maps_every_column_by_its_dutch_name():
    assert all(mapping(table(CAST_HEADERS, CAST_ROWS)).values())
