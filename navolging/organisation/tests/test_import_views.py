"""The HR import pages: upload -> columns -> preview -> apply, for the programme office only."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from navolging.audit.models import AuditEvent
from navolging.organisation.importing import fields
from navolging.organisation.models import ImportMapping, Person

from .test_import_fixtures import (
    CAST_FIELDS,
    CAST_HEADERS,
    LEVEL_HEADERS,
    cast_level_rows,
    cast_rows,
    csv_bytes,
    new_person_row,
    xlsx_bytes,
)

# An export whose column names we do not know, as AFAS or Youforce might write it.
ODD_HEADERS = ["Nr", "VN", "TV", "AN", "Adres", "OE", "OE naam", "Boven", "Soort", "Chef"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client: Client, data: bytes, name: str = "hr.csv"):
    return client.post(
        reverse("organisation:import_upload"), {"file": SimpleUploadedFile(name, data)}
    )


def token_of(response) -> str:
    return response["Location"].rstrip("/").split("/")[-2]


def test_the_whole_flow_adds_a_new_person(cast, client_as):
    client = client_as("office")
    assert client.get(reverse("organisation:import_upload")).status_code == 200
    rows = cast_rows() + [new_person_row()]
    response = upload(client, xlsx_bytes(CAST_HEADERS, rows), "hr.xlsx")
    assert response.status_code == 302
    token = token_of(response)
    assert response["Location"] == reverse("organisation:import_mapping", args=[token])

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert '<option value="employee_number" selected>' in body
    assert "een code per eenheid, met de code van de bovenliggende eenheid" in body

    form = {f"col_{i}": value for i, value in enumerate(CAST_FIELDS)}
    response = client.post(reverse("organisation:import_mapping", args=[token]), form)
    assert response["Location"] == reverse("organisation:import_preview", args=[token])

    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Nieuw Mens" in body
    assert 'action="{}"'.format(reverse("organisation:import_apply", args=[token])) in body
    assert Person.objects.filter(employee_number="2001").count() == 0  # preview writes nothing

    response = client.post(reverse("organisation:import_apply", args=[token]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisation:import_upload")
    assert "Import klaar. Mensen: 1 nieuw" in response.content.decode()
    assert Person.objects.get(employee_number="2001").unit == cast.team
    assert AuditEvent.objects.filter(action="hr_import.apply", actor=cast.office).exists()
    # The upload is gone once applied.
    assert client.get(reverse("organisation:import_preview", args=[token])).status_code == 404


def test_a_saved_mapping_is_filled_in_for_the_next_file(cast, client_as):
    client = client_as("office")
    data = csv_bytes(ODD_HEADERS, cast_rows())
    token = token_of(upload(client, data))
    page = client.get(reverse("organisation:import_mapping", args=[token])).content.decode()
    assert '<option value="employee_number" selected>' not in page  # "Nr" is not known
    form = {f"col_{i}": value for i, value in enumerate(CAST_FIELDS)}
    response = client.post(reverse("organisation:import_mapping", args=[token]), form)
    assert response.status_code == 302
    assert ImportMapping.objects.count() == 1
    preview = client.get(response["Location"]).content.decode()
    assert "Geen wijzigingen" in preview

    second = token_of(upload(client, data))
    page = client.get(reverse("organisation:import_mapping", args=[second])).content.decode()
    assert "De keuzes van toen zijn al ingevuld" in page
    assert '<option value="employee_number" selected>' in page
    assert '<option value="manager_number" selected>' in page


def test_the_preview_lists_errors_with_row_and_reason_and_has_no_apply_button(cast, client_as):
    client = client_as("office")
    rows = cast_rows()
    rows[3][9] = "9999"
    token = token_of(upload(client, csv_bytes(CAST_HEADERS, rows)))
    client.post(
        reverse("organisation:import_mapping", args=[token]),
        {f"col_{i}": v for i, v in enumerate(CAST_FIELDS)},
    )
    body = client.get(reverse("organisation:import_preview", args=[token])).content.decode()
    assert "Regel 5, kolom “Leidinggevende”: Onbekende leidinggevende 9999" in body
    assert reverse("organisation:import_apply", args=[token]) not in body
    before = AuditEvent.objects.count()
    response = client.post(reverse("organisation:import_apply", args=[token]))
    assert response["Location"] == reverse("organisation:import_preview", args=[token])
    assert AuditEvent.objects.count() == before


def test_the_mapping_page_asks_for_missing_required_columns(cast, client_as):
    client = client_as("office")
    token = token_of(upload(client, csv_bytes(CAST_HEADERS, cast_rows())))
    response = client.post(reverse("organisation:import_mapping", args=[token]), {"col_0": ""})
    assert response.status_code == 200
    assert "Kies een kolom voor “Personeelsnummer”" in response.content.decode()


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32, "personeel.csv", "geen tekstbestand"),
        (b"Nr;Naam\r\n1;Jan\r\n", "personeel.pdf", "Kies een .csv- of .xlsx-bestand"),
    ],
)
def test_a_hostile_upload_is_refused_with_a_clear_message(cast, client_as, data, name, reason):
    response = upload(client_as("office"), data, name)
    assert response.status_code == 200
    assert reason in response.content.decode()


def test_a_too_large_upload_is_refused(cast, client_as, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = upload(client_as("office"), csv_bytes(CAST_HEADERS, cast_rows()))
    assert response.status_code == 200
    assert "Het bestand is te groot" in response.content.decode()


def test_someone_elses_upload_is_not_found(cast, client_as):
    token = token_of(upload(client_as("office"), csv_bytes(CAST_HEADERS, cast_rows())))
    other = Client()
    other.force_login(cast.admin)
    cast.admin.is_programme_office = True
    cast.admin.save()
    assert other.get(reverse("organisation:import_mapping", args=[token])).status_code == 404
    unknown = uuid.uuid4()
    office = client_as("office")
    assert office.get(reverse("organisation:import_preview", args=[unknown])).status_code == 404


def test_the_example_file_can_be_downloaded(cast, client_as):
    response = client_as("office").get(reverse("organisation:import_upload") + "?voorbeeld=csv")
    assert response.status_code == 200
    assert b"Personeelsnummer;Voornaam" in b"".join(response.streaming_content)


URLS = [
    ("organisation:import_upload", []),
    ("organisation:import_mapping", [uuid.uuid4()]),
    ("organisation:import_preview", [uuid.uuid4()]),
    ("organisation:import_apply", [uuid.uuid4()]),
]


@pytest.mark.parametrize("name, args", URLS)
def test_anonymous_visitors_are_sent_to_login(cast, client, name, args):
    method = "post" if name == "organisation:import_apply" else "get"
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name, args", URLS)
@pytest.mark.parametrize("role", ["employee", "manager", "trainer", "as_adviser"])
def test_other_roles_are_refused(cast, client_as, role, name, args):
    method = "post" if name == "organisation:import_apply" else "get"
    assert getattr(client_as(role), method)(reverse(name, args=args)).status_code == 403


def test_apply_takes_only_post(cast, client_as):
    url = reverse("organisation:import_apply", args=[uuid.uuid4()])
    assert client_as("office").get(url).status_code == 405


def test_an_upload_without_a_file_asks_for_one(cast, client_as):
    response = client_as("office").post(reverse("organisation:import_upload"))
    assert response.status_code == 200
    assert "utrecht-form-field-error-message" in response.content.decode()


def test_a_zip_bomb_upload_is_refused(cast, client_as, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 * 1024 * 1024))
    response = upload(client_as("office"), out.getvalue(), "bom.xlsx")
    assert response.status_code == 200
    assert "Uitgepakt is dit Excel-bestand groter dan" in response.content.decode()
    imports = settings.MEDIA_ROOT / "imports"
    assert not imports.exists() or not any(imports.iterdir())  # nothing was stored


# -- what the preview shows --------------------------------------------------------------------
def dutch(text: str, context: str = "") -> str:
    # The page shows the Dutch catalogue's text once it exists, the English msgid until then.
    with translation.override("nl"):
        return pgettext(context, text) if context else gettext(text)


def preview_of(client: Client, headers: list[str], rows: list[list[str]]):
    token = token_of(upload(client, csv_bytes(headers, rows)))
    guessed = fields.guess_mapping(headers)
    form = {f"col_{i}": guessed[h] for i, h in enumerate(headers)}
    response = client.post(reverse("organisation:import_mapping", args=[token]), form)
    assert response.status_code == 302, response.content.decode()
    return client.get(response["Location"])


def detail(field: str, *values: str) -> str:
    """One line of an item in the preview: "soort: Team" or "eenheid: A → B"."""
    return f"<li>{dutch(field)}: {' → '.join(values)}</li>"


def test_a_level_file_is_placed_under_the_organisation_and_shown_by_name(cast, client_as):
    rows = cast_level_rows() + [
        "2001;Nieuw;;Mens;nieuw@example.org;;Directie Dienstverlening;Afdeling Burgerzaken;"
        "Team Groen;1002;en".split(";")
    ]
    page = preview_of(client_as("office"), LEVEL_HEADERS, rows)
    body = page.content.decode()
    root = dutch("Top-level units are placed under %(root)s.") % {"root": "Gemeente Voorbeeld"}
    assert f"<li>{root}</li>" in body
    # The root stays: the cast's other units have other codes than the file's paths.
    assert page.context["counts"]["units_gone"] == 4
    assert "(ORG)" not in body
    # New units: kind by its label, parent and head by name.
    assert detail("kind", dutch("Directorate", "unit kind")) in body
    assert detail("parent unit", "Gemeente Voorbeeld") in body
    assert detail("head", "Ineke Bakker (1001)") in body
    assert detail("kind", dutch("Team")) in body
    assert detail("head", "Pieter de Vries (1002)") in body
    # A new person: language by its label, unit by its name (no other unit is called so).
    assert detail("language", dutch("English")) in body
    assert detail("unit", "Team Groen") in body
    # Two units called Team Balie (the cast's and the file's): then the code says which.
    assert (
        detail(
            "unit",
            "Team Balie (TEAM1)",
            "Team Balie (directie-dienstverlening/afdeling-burgerzaken/team-balie)",
        )
        in body
    )
    for raw in ("directorate", ": nl<", ": en<", ": 1001<", ": team<"):
        assert raw not in body


def test_the_preview_shows_changed_values_by_name_and_label(cast, client_as):
    headers = CAST_HEADERS + ["Taal", "Leidinggevende van eenheid", "Datum uit dienst"]
    rows = [row + ["nl", "", ""] for row in cast_rows()]
    rows[3][10] = "en"  # Jan switches language (his login keeps its own)
    rows[2][11] = "1004"  # the file names Jan as head of Team Balie
    rows[4][5:9] = ["TEAM1", "Team Balie", "AFD1", "team"]  # Kees moves to Team Balie...
    rows[4][12] = "31-12-2025"  # ...and has left
    body = preview_of(client_as("office"), headers, rows).content.decode()
    assert detail("language", dutch("Nederlands"), dutch("English")) in body
    assert detail("head", "Fatima Amrani (1003)", "Jan van den Berg (1004)") in body
    assert detail("unit", "Afdeling Belastingen", "Team Balie") in body
    assert detail("active", dutch("yes"), dutch("no")) in body
