"""Turns uploaded bytes into a table of text cells, refusing anything that is not a plain
spreadsheet: too large, the wrong kind of file, a zip bomb or an XML bomb (SECURITY R13)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from .messages import FileRefused, gettext_noop

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 200
MAX_ROWS = 250_000
MAX_ZIP_MEMBERS = 2_000
CSV_EXTENSIONS = (".csv", ".txt")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # every row as long as `headers`
    numbers: list[int]  # the row number a spreadsheet shows for each row (header row = 1)
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def read_table(data: bytes, filename: str, *, max_bytes: int, max_uncompressed_bytes: int) -> Table:
    """Check and read a CSV or XLSX file. Raises FileRefused with a clear message."""
    check_size(len(data), max_bytes=max_bytes)
    if not data.strip():
        raise FileRefused(gettext_noop("The file is empty."))
    name = filename.lower().strip()
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise FileRefused(gettext_noop("This file is called .xlsx but is not an Excel file."))
        return _read_xlsx(data, max_uncompressed_bytes)
    if name.endswith(CSV_EXTENSIONS):
        # The extension is only a claim: an executable or a zip renamed .csv must not pass.
        if data.startswith((XLSX_MAGIC, b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0")):
            raise FileRefused(gettext_noop("This file is called .csv but is not a text file."))
        return _read_csv(data)
    if name.endswith((".xls", ".xlsm", ".xlsb", ".ods")):
        raise FileRefused(
            gettext_noop("This kind of spreadsheet cannot be read. Save it as .xlsx or .csv.")
        )
    raise FileRefused(gettext_noop("Upload a .csv or .xlsx file."))


def check_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileRefused(
            gettext_noop("The file is too large: %(size)s MB; at most %(max)s MB is allowed."),
            size=_mb(size),
            max=_mb(max_bytes),
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]  # Excel's "Unicode text"
    else:
        # Dutch Excel writes Windows-1252 unless told otherwise; UTF-8 is tried first because
        # valid UTF-8 is almost never meant as Windows-1252.
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused(gettext_noop("This file is not readable text (not UTF-8 or Windows-1252)."))


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise FileRefused(gettext_noop("This file is called .csv but is not a text file."))
    first_line = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    # Dutch Excel separates with ';' because ',' is the decimal sign; count instead of guessing.
    delimiter = max((";", ",", "\t", "|"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
        raw = []
        for line_no, cells in enumerate(reader, start=1):
            if line_no > MAX_ROWS + 1:
                raise FileRefused(
                    gettext_noop("The file has more than %(max)s rows."), max=MAX_ROWS
                )
            raw.append(cells)
    except csv.Error as exc:
        raise FileRefused(
            gettext_noop("This CSV file cannot be read: %(reason)s"), reason=str(exc)
        ) from None
    return _table(raw, kind="csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes, max_uncompressed_bytes: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(gettext_noop("This Excel file is damaged and cannot be read.")) from None
    # Check the sizes the zip declares before unpacking anything: zipfile never inflates a
    # member beyond its declared size (and fails on a size that lies), so this caps the work.
    total = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or total > max_uncompressed_bytes:
        raise FileRefused(
            gettext_noop("This Excel file unpacks to more than %(max)s MB; it is refused."),
            max=_mb(max_uncompressed_bytes),
        )
    import openpyxl  # imported here: CSV-only users never pay for it

    try:
        # read_only streams the sheet; data_only gives the values Excel saved, so formulas are
        # never evaluated. openpyxl parses through defusedxml, which refuses entity bombs.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            raw = []
            for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if row_no > MAX_ROWS + 1:
                    raise FileRefused(
                        gettext_noop("The file has more than %(max)s rows."), max=MAX_ROWS
                    )
                raw.append([_cell_text(v) for v in values[: MAX_COLUMNS + 1]])
        finally:
            workbook.close()
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - defusedxml, zipfile and openpyxl raise many kinds
        raise FileRefused(
            gettext_noop("This Excel file cannot be read safely. Save it again as .xlsx or .csv.")
        ) from None
    return _table(raw, kind="xlsx")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # employee number 1001 stored as a number
    return str(value)


def _table(raw: list[list[str]], *, kind: str, encoding: str = "", delimiter: str = "") -> Table:
    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(raw, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise FileRefused(gettext_noop("The file is empty."))
    header_no, headers = numbered[0]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise FileRefused(gettext_noop("The file has more than %(max)s columns."), max=MAX_COLUMNS)
    seen: dict[str, int] = {}
    unique: list[str] = []
    for index, header in enumerate(headers, start=1):
        header = header.lstrip("\ufeff") or f"#{index}"
        seen[header] = seen.get(header, 0) + 1
        unique.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    width = len(unique)
    rows = [(cells + [""] * width)[:width] for _n, cells in numbered[1:]]
    numbers = [n for n, _cells in numbered[1:]]
    return Table(unique, rows, numbers, kind, encoding, delimiter)
