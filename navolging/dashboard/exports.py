"""The dashboard's downloads: the overview as Excel and CSV, the management report as PDF.

Every figure comes from report.Overview and trends.unit_series exactly as the pages show it:
a count about people is a band ("fewer than 5"), a hidden share says so, never a raw count
from metrics. Every text cell goes through navolging.lib.export.safe_cell (SECURITY R14):
unit names come from HR imports and may start with "=".

CSV: UTF-8 with a byte order mark and ";" between cells. Excel set to Dutch (the decimal
separator is a comma) splits a CSV file on ";" and only reads UTF-8 with the mark; a file
with "," would open as one column. For the same Excel a decimal number is written with a
comma ("3,5") and a percentage as "67%", which it reads as the number 0.67.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from navolging.lib.export import safe_cell
from navolging.organisation.models import OrganisationSettings, UnitKind

from . import charts
from .models import LOWER_IS_BETTER
from .report import (
    AMBER,
    COLUMNS,
    GREEN,
    RAG_LABELS,
    RED,
    Figure,
    Overview,
    Row,
    Section,
    target_of,
)
from .trends import Point, Series

# -- what every export shares ------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What an export is about: unit `pk` (None: the whole organisation) on `day`."""

    overview: Overview
    pk: int | None
    organisation: str
    day: dt.date

    @property
    def name(self) -> str:
        if self.pk is None:
            return _("The whole organisation")
        return self.overview.tree.units[self.pk].name

    @property
    def day_text(self) -> str:
        return date_format(self.day, "DATE_FORMAT")


def subject(overview: Overview, pk: int | None) -> Subject:
    return Subject(
        overview,
        pk,
        OrganisationSettings.load().name,
        timezone.localdate(overview.tree.now),
    )


def filename(about: Subject, what: str, extension: str) -> str:
    """navolging-overzicht-afdeling-burgerzaken-2026-03-12.xlsx: plain ASCII, so every
    browser and mail program keeps it as it is."""
    if about.pk is None:
        unit = "organisatie"
    else:
        unit = slugify(about.name)[:60].strip("-") or f"eenheid-{about.pk}"
    return f"navolging-{what}-{unit}-{about.day.isoformat()}.{extension}"


def text_cell(value) -> str:
    """Text for a spreadsheet: characters a spreadsheet file cannot hold taken out first,
    then made formula-safe (the other way round "\\x01=..." would become a formula again)."""
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def has_target(key: str) -> bool:
    """Whether figure `key` is judged red, amber or green (report.judge's targets)."""
    return target_of(key) is not None


def judged_columns() -> list[bool]:
    """Per COLUMNS figure: does the table get a status column for it."""
    return [has_target(key) for key, _label in COLUMNS]


def target_words(figure: Figure, overview: Overview) -> str:
    """The targets a figure is judged against, in words ("" for one that is not judged)."""
    key = target_of(figure.key)
    if key is None:
        return ""
    values = {
        "green": getattr(overview.targets, f"{key}_green"),
        "amber": getattr(overview.targets, f"{key}_amber"),
    }
    if key in LOWER_IS_BETTER:
        return _("green up to %(green)s days, amber up to %(amber)s days") % values
    return _("green from %(green)s%%, amber from %(amber)s%%") % values


def is_percent(figure: Figure) -> bool:
    return figure.value is not None and figure.percent


def overview_header(overview: Overview) -> list[str]:
    header = [_("Level"), _("Unit"), _("Kind"), _("Part of")]
    for (_key, label), judged in zip(COLUMNS, judged_columns(), strict=True):
        header.append(str(label))
        if judged:
            header.append(_("%(figure)s: status") % {"figure": label})
    return header


def unit_cells(overview: Overview, row: Row, pk: int | None) -> list:
    """Level (1 is the top of this export), name, kind and the unit it is part of: only one
    in the export itself (a manager's export names nothing above the unit they lead)."""
    units = overview.tree.units
    inside = pk is None or row.unit.pk != pk
    parent = units.get(row.unit.parent) if inside and row.unit.parent is not None else None
    kinds = dict(UnitKind.choices)
    return [
        row.depth + (pk is not None),
        row.unit.name,
        str(kinds.get(row.unit.kind, row.unit.kind)),
        parent.name if parent is not None else "",
    ]


# -- CSV ---------------------------------------------------------------------------------------


def csv_value(figure: Figure) -> str | int:
    if figure.value is None:
        return text_cell(figure.text)
    if is_percent(figure):
        return f"{figure.value:g}%"
    if isinstance(figure.value, float):
        return f"{figure.value:g}".replace(".", ",")
    return figure.value


def overview_csv(overview: Overview, pk: int | None, out) -> None:
    """One row per unit in `overview.all_rows(pk)` written to the text stream `out`."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([text_cell(label) for label in overview_header(overview)])
    judged = judged_columns()
    for row in overview.all_rows(pk):
        level, *texts = unit_cells(overview, row, pk)
        cells = [level, *(text_cell(text) for text in texts)]
        for figure, with_status in zip(row.figures, judged, strict=True):
            cells.append(csv_value(figure))
            if with_status:
                cells.append(text_cell(figure.rag_label))
        writer.writerow(cells)


# -- Excel -------------------------------------------------------------------------------------

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
RAG_FILLS = {
    GREEN: PatternFill("solid", fgColor="C8E6C9"),
    AMBER: PatternFill("solid", fgColor="FFE0B2"),
    RED: PatternFill("solid", fgColor="FFCDD2"),
}
#: A spreadsheet sheet's name is at most 31 characters.
SHEET_NAME = 31


class _Cells:
    """Cells for one write-only sheet, their styles made once (10,000 rows stay quick)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.indents: dict[int, Alignment] = {}
        self.rag_words: dict[str | None, str] = {}

    def text(self, value, *, font: Font | None = None, indent: int = 0, wrap: bool = False):
        cell = WriteOnlyCell(self.sheet, value=text_cell(value))
        if font is not None:
            cell.font = font
        if indent:
            if indent not in self.indents:
                self.indents[indent] = Alignment(indent=min(indent, 15))
            cell.alignment = self.indents[indent]
        if wrap:
            cell.alignment = WRAP
        return cell

    def figure(self, figure: Figure):
        if figure.value is None:
            return self.text(figure.text)
        if is_percent(figure):
            cell = WriteOnlyCell(self.sheet, value=figure.value / 100)
            cell.number_format = "0%"
        else:
            cell = WriteOnlyCell(self.sheet, value=figure.value)
            if isinstance(figure.value, float):
                cell.number_format = "0.0"
        return cell

    def rag(self, figure: Figure):
        if figure.rag not in self.rag_words:
            self.rag_words[figure.rag] = text_cell(figure.rag_label)
        cell = WriteOnlyCell(self.sheet, value=self.rag_words[figure.rag])
        if figure.rag:
            cell.fill = RAG_FILLS[figure.rag]
        return cell

    def point(self, point: Point, series: Series):
        """A month as a number where the table shows an exact one, else its words."""
        if point.low is None or point.high != point.low:  # nothing to show, or a band
            return self.text(point.text)
        if series.percent:
            cell = WriteOnlyCell(self.sheet, value=point.low / 100)
            cell.number_format = "0%"
            return cell
        return WriteOnlyCell(self.sheet, value=point.low)

    def month(self, month: dt.date):
        cell = WriteOnlyCell(self.sheet, value=month)
        cell.number_format = "mmm yyyy"
        cell.font = BOLD
        return cell


def _sheet(book: Workbook, title: str):
    return book.create_sheet(re.sub(r"[\[\]:*?/\\]", "", title)[:SHEET_NAME])


def _overview_sheet(book: Workbook, about: Subject) -> None:
    overview, pk = about.overview, about.pk
    sheet = _sheet(book, _("Overview"))
    cells = _Cells(sheet)
    header = overview_header(overview)
    for letter, width in (("A", 8), ("B", 40), ("C", 14), ("D", 32)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    sheet.append([cells.text(label, font=BOLD) for label in header])
    judged = judged_columns()
    for row in overview.all_rows(pk):
        level, name, kind, parent = unit_cells(overview, row, pk)
        line = [level, cells.text(name, indent=level - 1), text_cell(kind), text_cell(parent)]
        for figure, with_status in zip(row.figures, judged, strict=True):
            line.append(cells.figure(figure))
            if with_status:
                line.append(cells.rag(figure))
        sheet.append(line)


def _figures_sheet(book: Workbook, about: Subject, sections: list[Section]) -> None:
    sheet = _sheet(book, _("Figures"))
    cells = _Cells(sheet)
    for letter, width in (("A", 24), ("B", 52), ("C", 16), ("D", 18), ("E", 26), ("F", 36)):
        sheet.column_dimensions[letter].width = width
    title = _("Figures: %(unit)s, %(day)s") % {"unit": about.name, "day": about.day_text}
    sheet.append([cells.text(title, font=TITLE)])
    sheet.append([])
    header = [_("Instrument"), _("Figure"), _("Value"), _("Status"), _("Note"), _("Target")]
    sheet.append([cells.text(label, font=BOLD) for label in header])
    for section in sections:
        for figure in section.figures:
            sheet.append(
                [
                    cells.text(section.title),
                    cells.text(figure.label),
                    cells.figure(figure),
                    cells.rag(figure),
                    cells.text(figure.note),
                    cells.text(target_words(figure, about.overview)),
                ]
            )


def _months_sheet(book: Workbook, about: Subject, series: list[Series]) -> None:
    sheet = _sheet(book, _("Month by month"))
    cells = _Cells(sheet)
    sheet.column_dimensions["A"].width = 44
    title = _("Month by month: %(unit)s") % {"unit": about.name}
    sheet.append([cells.text(title, font=TITLE)])
    sheet.append([cells.text(_("The last month counts up to today."))])
    sheet.append([])
    if not series:
        return
    sheet.append(
        [cells.text(_("Figure"), font=BOLD), *(cells.month(p.month) for p in series[0].points)]
    )
    for one in series:
        sheet.append([cells.text(one.title), *(cells.point(p, one) for p in one.points)])


def _about_sheet(book: Workbook, about: Subject) -> None:
    sheet = _sheet(book, _("About these figures"))
    cells = _Cells(sheet)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    for label, value in (
        (_("Organisation"), about.organisation),
        (_("Unit"), about.name),
        (_("Figures as of"), about.day_text),
    ):
        sheet.append([cells.text(label, font=BOLD), cells.text(value)])
    sheet.append([])
    for paragraph in explanation():
        sheet.append([None, cells.text(paragraph, wrap=True)])


def explanation() -> list[str]:
    return [
        _(
            "Counts about people are shown in bands of five: “fewer than 5”, “5 to 9” and so "
            "on. A percentage about people is shown only when enough people are behind it, and "
            "not where two figures together would tell something about fewer than five people. "
            "So nobody can be recognised in these figures."
        ),
        _(
            "Shares of teams are exact: a team is not a person. Green, amber and red compare a "
            "figure with the targets the organisation has set."
        ),
        _("The figures of a unit include every unit below it."),
    ]


def overview_xlsx(about: Subject, series: list[Series]) -> bytes:
    """The workbook: the table of units, the unit's figures, its months, and how to read it."""
    book = Workbook(write_only=True)
    _overview_sheet(book, about)
    _figures_sheet(book, about, about.overview.sections(about.pk))
    _months_sheet(book, about, series)
    _about_sheet(book, about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- PDF ---------------------------------------------------------------------------------------

#: Characters the PDF core fonts (Windows-1252) do not have, written as the nearest they do.
PDF_SUBSTITUTES = {
    # Letters with a stroke have no accent to take off.
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "≥": ">=",
    "≤": "<=",
    "→": "->",
    "←": "<-",
    "✓": "v",
    "\u202f": " ",
    "\u2009": " ",
    "\u2011": "-",
    "\u2212": "-",
}
PDF_ENCODING = "windows-1252"


def pdf_text(text: str) -> str:
    """`text` in what the core fonts can draw: Windows-1252 keeps “ ” ‘ ’ – — … € and every
    Dutch letter; other letters lose their accent (ş -> s); anything else becomes "?"."""
    text = str(text)
    if _encodable(text):
        return text
    found = []
    for char in text:
        if _encodable(char):
            found.append(char)
        elif char in PDF_SUBSTITUTES:
            found.append(PDF_SUBSTITUTES[char])
        else:
            parts = unicodedata.normalize("NFKD", char)
            plain = "".join(p for p in parts if not unicodedata.combining(p) and _encodable(p))
            found.append(plain or "?")
    return "".join(found)


def _encodable(text: str) -> bool:
    try:
        text.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


BLUE = (31, 78, 140)
GREY = (90, 90, 90)
RAG_COLOURS = {GREEN: (46, 125, 50), AMBER: (230, 145, 0), RED: (198, 40, 40)}
RAG_LIGHT = {GREEN: (200, 230, 201), AMBER: (255, 224, 178), RED: (255, 205, 210)}
HEADING_FILL = (228, 235, 245)


class ReportPDF(FPDF):
    """A4, core fonts in Windows-1252, a running header and a footer with date and pages."""

    def __init__(self, about: Subject, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.about = about
        self.report_title = title
        self.core_fonts_encoding = PDF_ENCODING
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=20)
        self.set_creator("Navolging")
        self.set_title(f"{title}: {about.name}")
        self.set_author(about.organisation)
        self.set_subject(title)
        self.set_creation_date(timezone.now())

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(pdf_text(text))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("helvetica", size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.fit(f"{self.report_title} · {self.about.name}", self.epw))
        self.ln(9)
        self.plain()

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font("helvetica", size=8)
        self.set_text_color(*GREY)
        pages = _("Page %(number)s of %(total)s") % {"number": self.page_no(), "total": "{nb}"}
        room = self.epw - self.get_string_width(pages) - 6
        self.cell(0, 7, self.fit(f"{self.about.organisation} · {self.about.day_text}", room))
        self.set_x(self.l_margin)
        self.cell(0, 7, pages, align="R")
        self.plain()

    # -- building blocks -------------------------------------------------------------------

    def fit(self, text: str, width: float) -> str:
        """`text` shortened with "…" to one line of `width` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def heading(self, text: str, *, size: float = 15, space: float = 4) -> None:
        if self.will_page_break(size * 0.6 + space + 20):
            self.add_page()
        self.set_font("helvetica", "B", size)
        self.set_text_color(*BLUE)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(space)

    def paragraph(self, text: str, *, size: float = 10) -> None:
        self.set_font("helvetica", size=size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def marker(self, rag: str, x: float, y: float, size: float = 3.6) -> None:
        """A small square as the tables colour a judged figure: light fill, strong edge."""
        self.set_fill_color(*RAG_LIGHT[rag])
        self.set_draw_color(*RAG_COLOURS[rag])
        self.set_line_width(0.4)
        self.rect(x, y, size, size, style="DF")
        self.plain()

    def plain(self) -> None:
        """Back to black on white with thin grey lines: a table takes the colours it finds
        as its cells' own."""
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.2)
        self.set_text_color(0, 0, 0)

    def legend(self) -> None:
        """The three colours and what they say, each a marker with its words."""
        self.set_font("helvetica", size=9)
        y = self.get_y()
        x = self.l_margin
        for rag in (GREEN, AMBER, RED):
            self.marker(rag, x, y + 0.9)
            words = str(RAG_LABELS[rag])
            self.set_xy(x + 4.5, y)
            self.cell(self.get_string_width(words) + 2, 5, words)
            x += 4.5 + self.get_string_width(words) + 9
        self.set_xy(self.l_margin, y + 7)


def _figures_table(pdf: ReportPDF, section: Section, overview: Overview) -> None:
    widths = (58, 30, 32, 54)
    header = (_("Figure"), _("Value"), _("Status"), _("Note"))
    pdf.set_font("helvetica", size=9)
    pdf.plain()
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT"),
        line_height=4.6,
        padding=(1.2, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        heading = table.row()
        for label in header:
            heading.cell(label)
        for figure in section.figures:
            row = table.row()
            row.cell(figure.label)
            row.cell(figure.text)
            # The words on a light cell of the status colour: readable in black and white too.
            fill = RAG_LIGHT.get(figure.rag) if figure.rag else None
            row.cell(figure.rag_label, style=FontFace(fill_color=fill) if fill else None)
            notes = [figure.note, target_words(figure, overview)]
            row.cell("; ".join(note for note in notes if note))
    pdf.ln(5)


def _units_table(pdf: ReportPDF, rows: list[Row]) -> None:
    name_width = 61
    other = (pdf.epw - name_width) / len(COLUMNS)
    pdf.set_font("helvetica", size=7.5)
    pdf.plain()
    with pdf.table(
        col_widths=(name_width, *([other] * len(COLUMNS))),
        text_align=("LEFT", *(["RIGHT"] * len(COLUMNS))),
        line_height=3.8,
        padding=(1.2, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        cell_fill_mode=TableCellFillMode.NONE,
        v_align="MIDDLE",
    ) as table:
        heading = table.row()
        heading.cell(_("Unit"), align="LEFT")
        for _key, label in COLUMNS:
            heading.cell(str(label), align="LEFT")
        for row in rows:
            line = table.row()
            line.cell(row.unit.name)
            for figure in row.figures:
                fill = RAG_LIGHT.get(figure.rag) if figure.rag else None
                line.cell(figure.text, style=FontFace(fill_color=fill) if fill else None)
    pdf.ln(2)
    pdf.set_font("helvetica", size=8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        _(
            "A coloured cell is judged against the target: green on target, amber needs "
            "attention, red behind target."
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


#: fpdf2 draws the chart's shapes and text but not <title> and <desc> (it logs a warning for
#: each): those are for screen readers on the page; here the table beside the chart says it.
_SVG_SPEAKING = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.S)


def _chart(pdf: ReportPDF, series: Series) -> None:
    chart_width = 112
    chart_height = chart_width * charts.HEIGHT / charts.WIDTH
    table_width = pdf.epw - chart_width - 4
    line = 4.1
    needed = 9 + max(chart_height, line * (len(series.points) + 1) + 3)
    if pdf.will_page_break(needed):
        pdf.add_page()
    pdf.set_font("helvetica", "B", 10.5)
    pdf.multi_cell(0, 5.5, series.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    top = pdf.get_y()
    svg = _SVG_SPEAKING.sub("", charts.chart_svg(series))
    pdf.image(io.BytesIO(svg.encode()), x=pdf.l_margin, y=top, w=chart_width, alt_text=series.title)
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font("helvetica", size=7.5)
    pdf.plain()
    with pdf.table(
        col_widths=(table_width * 0.45, table_width * 0.55),
        width=table_width,
        align="RIGHT",
        text_align=("LEFT", "RIGHT"),
        line_height=line - 0.8,
        padding=(0.4, 1.2),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        heading = table.row()
        heading.cell(_("Month"))
        heading.cell(_("Value"))
        for point in series.points:
            row = table.row()
            row.cell(date_format(point.month, "YEAR_MONTH_FORMAT"))
            row.cell(point.text)
    pdf.set_y(max(pdf.get_y(), top + chart_height) + 7)


def _title_page(pdf: ReportPDF, about: Subject) -> None:
    pdf.add_page()
    pdf.set_y(60)
    pdf.set_font("helvetica", size=13)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 7, about.organisation, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 26)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(0, 12, pdf.report_title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", size=13)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(
        0,
        7,
        _("Follow-up of the culture programme"),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(10)
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, about.name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        _("Figures as of %(day)s") % {"day": about.day_text},
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y() + 20, 175))
    pdf.heading(_("How to read this report"), size=12, space=2)
    pdf.legend()
    for paragraph in explanation():
        pdf.paragraph(paragraph, size=9.5)


def report_pdf(about: Subject, series: list[Series]) -> bytes:
    """The management report: title page, the figures per instrument, the units directly
    below, and every figure month by month as a chart with its table."""
    overview, pk = about.overview, about.pk
    pdf = ReportPDF(about, _("Management report"))
    _title_page(pdf, about)
    pdf.add_page()
    pdf.heading(_("Figures per instrument"))
    for section in overview.sections(pk):
        pdf.heading(section.title, size=12, space=2)
        _figures_table(pdf, section, overview)
    rows = overview.children_rows(pk)
    if rows:
        pdf.add_page(orientation="L")  # nine columns: their headings stay whole words
        pdf.heading(_("The units directly below"))
        _units_table(pdf, rows)
    if series:
        pdf.add_page(orientation="P")
        pdf.heading(_("Month by month"))
        pdf.paragraph(_("The last month counts up to today."), size=9.5)
        for one in series:
            _chart(pdf, one)
    return bytes(pdf.output())
