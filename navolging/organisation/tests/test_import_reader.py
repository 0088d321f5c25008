"""Reading HR files as Dutch Excel writes them, and refusing hostile ones (SECURITY R13)."""

from __future__ import annotations

import io
import zipfile

import pytest

from navolging.organisation.importing.messages import FileRefused
from navolging.organisation.importing.reader import read_table

from .test_import_fixtures import CAST_HEADERS, CAST_ROWS, LIMITS, csv_bytes, xlsx_bytes


def read(data: bytes, name: str = "hr.csv", **limits):
    return read_table(data, name, **{**LIMITS, **limits})


def refused(data: bytes, name: str, **limits) -> str:
    with pytest.raises(FileRefused) as info:
        read(data, name, **limits)
    return str(info.value)


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_it_reads_csv_with_semicolons_commas_or_tabs(sep):
    result = read(csv_bytes(CAST_HEADERS, CAST_ROWS, sep=sep))
    assert result.delimiter == sep
    assert result.headers == CAST_HEADERS
    assert result.rows[1][3] == "Vries"


def test_it_strips_the_utf8_bom_excel_writes():
    result = read(csv_bytes(CAST_HEADERS, CAST_ROWS, bom=True))
    assert result.headers[0] == "Personeelsnummer"
    assert result.encoding == "utf-8-sig"


def test_it_reads_windows_1252():
    rows = [["1", "René", "", "Müller", "rene@example.org", "X", "Café", "", "", ""]]
    result = read(csv_bytes(CAST_HEADERS, rows, encoding="cp1252"))
    assert result.encoding == "cp1252"
    assert result.rows[0][1] == "René"
    assert result.rows[0][6] == "Café"


def test_it_keeps_quoted_separators_and_numbers_rows_like_excel():
    data = b'Nr;Naam\r\n\r\n1;"Berg; van den"\r\n2;Smit\r\n'
    result = read(data)
    assert result.rows == [["1", "Berg; van den"], ["2", "Smit"]]
    assert result.numbers == [3, 4]  # the empty line 2 still counts


def test_it_reads_xlsx_and_never_evaluates_formulas():
    data = xlsx_bytes(["Personeelsnummer", "Functie", "Datum"], [[1001, "=1+1", None]])
    result = read(data, "hr.xlsx")
    assert result.kind == "xlsx"
    assert result.rows[0][0] == "1001"  # a number cell, not "1001.0"
    # openpyxl stored "=1+1" as a formula; read with data_only it has no value, so it is
    # never evaluated and never becomes 2.
    assert result.rows[0][1] == ""


def test_it_keeps_formula_like_text_in_csv_as_plain_text():
    result = read(b'Nr;Functie\r\n1;=HYPERLINK("http://x")\r\n')
    assert result.rows[0][1] == '=HYPERLINK("http://x")'


def test_it_refuses_a_file_that_is_too_large():
    message = refused(csv_bytes(CAST_HEADERS, CAST_ROWS), "hr.csv", max_bytes=100)
    assert "too large" in message


def test_it_refuses_an_exe_renamed_csv():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
    assert "not a text file" in refused(exe, "personeel.csv")


def test_it_refuses_binary_bytes_named_csv():
    assert "not a text file" in refused(b"Nr;Naam\r\n1;\x00\x01\x02\r\n", "hr.csv")


def test_it_refuses_a_zip_named_csv_and_text_named_xlsx():
    assert "not a text file" in refused(xlsx_bytes(["a"], [["b"]]), "hr.csv")
    assert "not an Excel file" in refused(b"Nr;Naam\r\n1;Jan\r\n", "hr.xlsx")


@pytest.mark.parametrize("name", ["hr.exe", "hr.xls", "hr", "hr.ods"])
def test_it_refuses_other_extensions(name):
    refused(b"Nr;Naam\r\n1;Jan\r\n", name)


def test_it_refuses_a_zip_bomb_before_unpacking_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 100_000  # small on the wire
    assert "unpacks to more than" in refused(data, "bom.xlsx", max_uncompressed_bytes=1024 * 1024)


def test_it_refuses_a_zip_whose_sizes_lie():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" * 100_000)
    data = bytearray(out.getvalue())
    # Make the central directory claim a tiny uncompressed size for the big member.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    assert "cannot be read" in refused(bytes(data), "liar.xlsx")


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>
</sheetData></worksheet>"""


def test_it_refuses_a_billion_laughs_sheet():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["Nr"], [["1"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = BILLION_LAUGHS
            archive.writestr(item, body)
    assert "cannot be read safely" in refused(out.getvalue(), "lol.xlsx")


def test_it_refuses_an_empty_file():
    assert "empty" in refused(b"\r\n;;\r\n  \r\n", "hr.csv")


def test_it_reads_excels_unicode_text_utf16_with_tabs():
    data = "Nr\tNaam\r\n1\tZoë\r\n".encode("utf-16")
    result = read(data, "hr.txt")
    assert result.delimiter == "\t"
    assert result.rows == [["1", "Zoë"]]
