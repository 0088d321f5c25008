"""manage.py import_hr and import_base_programme."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from navolging.audit.models import AuditEvent
from navolging.organisation.models import BaseProgramme, Person, Unit

from .test_import_fixtures import CAST_FIELDS, CAST_HEADERS, cast_rows, csv_bytes, new_person_row


@pytest.fixture
def hr_file(tmp_path):
    rows = cast_rows() + [new_person_row()]
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(CAST_HEADERS, rows, encoding="cp1252"))
    return path


def test_import_hr_dry_run_writes_nothing(cast, hr_file, capsys):
    before = (Person.objects.count(), Unit.objects.count(), AuditEvent.objects.count())
    call_command("import_hr", str(hr_file), "--dry-run")
    out = capsys.readouterr().out
    assert "Nieuwe mensen: 1" in out
    assert "Nieuw Mens (2001)" in out
    assert "Team Balie" in out  # the unit by its name, as on the preview page
    assert "Proefdraaien: er is niets veranderd." in out
    assert (Person.objects.count(), Unit.objects.count(), AuditEvent.objects.count()) == before


def test_import_hr_applies(cast, hr_file, capsys):
    call_command("import_hr", str(hr_file))
    assert Person.objects.get(employee_number="2001").unit == cast.team
    assert AuditEvent.objects.filter(action="hr_import.apply", actor=None).count() == 1


def test_import_hr_fails_on_errors_and_writes_nothing(cast, tmp_path, capsys):
    rows = cast_rows()
    rows[1][4] = "geen adres"
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(CAST_HEADERS, rows))
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError):
        call_command("import_hr", str(path))
    assert "Regel 3, kolom “E-mail”" in capsys.readouterr().err
    assert AuditEvent.objects.count() == before


def test_import_hr_takes_a_mapping_file(cast, tmp_path, capsys):
    headers = ["Nr", "VN", "TV", "AN", "Adres", "OE", "OE naam", "Boven", "Soort", "Chef"]
    path = tmp_path / "afas.csv"
    path.write_bytes(csv_bytes(headers, cast_rows(), sep=","))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            dict(
                zip(
                    headers,
                    CAST_FIELDS,
                    strict=True,
                )
            )
        )
    )
    with pytest.raises(CommandError):
        call_command("import_hr", str(path), "--dry-run")  # without: no columns known
    capsys.readouterr()
    call_command("import_hr", str(path), "--dry-run", "--mapping", str(mapping))
    assert "Gewijzigde mensen: 0" in capsys.readouterr().out


def test_import_hr_refuses_a_disguised_file(cast, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 40)
    with pytest.raises(CommandError, match="geen tekstbestand"):
        call_command("import_hr", str(path))


PROGRAMME_HEADERS = ["Eenheidscode", "Voor", "Afgerond op", "Trainers"]


def test_import_base_programme_sets_status_and_trainers(cast, tmp_path):
    path = tmp_path / "basis.csv"
    path.write_bytes(
        csv_bytes(
            PROGRAMME_HEADERS,
            [
                ["TEAM1", "team", "15-03-2026", "trainer@example.org"],
                ["AFD1", "MT", "", ""],
            ],
        )
    )
    call_command("import_base_programme", str(path))
    team = BaseProgramme.objects.get(unit=cast.team, scope="team")
    assert str(team.completed_on) == "2026-03-15"
    assert list(team.trainers.all()) == [cast.trainer]
    assert BaseProgramme.objects.get(unit=cast.department, scope="mt").completed_on is None
    assert AuditEvent.objects.filter(action="base_programme.set").count() == 1
    assert AuditEvent.objects.filter(action="base_programme.import").count() == 1


def test_import_base_programme_checks_every_row_and_writes_nothing_on_errors(
    cast, tmp_path, capsys
):
    path = tmp_path / "basis.csv"
    path.write_bytes(
        csv_bytes(
            PROGRAMME_HEADERS,
            [
                ["TEAM1", "team", "15-03-2026", "trainer@example.org"],
                ["TEAM1", "mt", "", ""],
                ["AFD1", "mt", "gisteren", "bureau@example.org"],
                ["NOPE", "team", "", ""],
            ],
        )
    )
    with pytest.raises(CommandError):
        call_command("import_base_programme", str(path))
    err = capsys.readouterr().err
    assert "Regel 3, kolom “Voor”: Eenheid TEAM1 heeft geen mt" in err
    assert "Regel 4, kolom “Afgerond op”: “gisteren” is geen datum" in err
    assert "Regel 4, kolom “Trainers”: bureau@example.org is geen trainer" in err
    assert "Regel 5, kolom “Eenheidscode”: Onbekende eenheid NOPE" in err
    assert BaseProgramme.objects.count() == 0


def test_import_base_programme_dry_run_writes_nothing(cast, tmp_path):
    path = tmp_path / "basis.csv"
    path.write_bytes(csv_bytes(PROGRAMME_HEADERS, [["TEAM1", "team", "2026-03-15", ""]]))
    call_command("import_base_programme", str(path), "--dry-run")
    assert BaseProgramme.objects.count() == 0
