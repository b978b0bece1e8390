"""Printable documents: the policy with its sign-off block, and the governors' termly report.

Made with fpdf2 (pure Python; no system libraries, no browser): text, tables and bar charts drawn
as vector shapes, so nothing is fetched and a chart stays sharp when printed. The text font is
DejaVu Sans where it is installed (Debian's fonts-dejavu-core, or the folder in the setting
``SMPOLICY_PDF_FONT_DIR``), which prints every character of the policy; without it the PDF falls
back to the built-in Helvetica, with typographic quotes and dashes made plain.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from smpolicy.policy import Pack
from smpolicy.registers.governors import Chart, Report
from smpolicy.registers.models import PolicyVersion
from smpolicy.web.markdown import clause_blocks

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
INK = (11, 12, 12)
MUTED = (72, 73, 73)
BAND = (18, 53, 91)
PALE = (214, 222, 232)
PLAIN = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-"}


def _font_dir() -> Path | None:
    wanted = getattr(settings, "SMPOLICY_PDF_FONT_DIR", "") or ""
    for folder in (wanted, *FONT_DIRS):
        if folder and (Path(folder) / "DejaVuSans.ttf").is_file():
            return Path(folder)
    return None


class Document(FPDF):
    """An A4 page with a running footer; ``text()`` copes with either font."""

    def __init__(self, title: str, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.footer_text = footer
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_lang("en-GB")
        self.set_creator("smpolicy")
        folder = _font_dir()
        self.unicode = folder is not None
        if folder is not None:
            self.add_font("Body", "", str(folder / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(folder / "DejaVuSans-Bold.ttf"))
            self.add_font("Body", "I", str(folder / "DejaVuSans-Oblique.ttf"))
            self.family = "Body"
        else:
            self.family = "helvetica"
        self.alias_nb_pages()

    def clean(self, text: str) -> str:
        text = unicodedata.normalize("NFC", str(text))
        if self.unicode:
            return text
        for fancy, plain in PLAIN.items():
            text = text.replace(fancy, plain)
        return text.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)

    def para(self, text: str, size: float = 10.5, style: str = "", *, markdown: bool = False,
             colour: tuple[int, int, int] = INK, gap: float = 2, indent: float = 0) -> None:
        self.font(size, style, colour)
        if indent:
            self.set_x(self.l_margin + indent)
        # Left-aligned, never justified: even word spacing is easier to read (dyslexia).
        self.multi_cell(0, size * 0.5, self.clean(text), markdown=markdown, align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def heading(self, text: str, size: float = 14) -> None:
        if self.get_y() > self.h - 45:  # keep a heading with what follows it
            self.add_page()
        self.ln(2)
        self.para(text, size, "B", colour=BAND, gap=1.5)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8, colour=MUTED)
        self.cell(0, 5, self.clean(f"{self.footer_text} · page {self.page_no()} of {{nb}}"),
                  align="C")

    def pairs(self, rows: Iterable[tuple[str, str]], label_width: float = 110) -> None:
        for label, value in rows:
            if self.get_y() > self.h - 25:
                self.add_page()
            y = self.get_y()
            self.font(10)
            self.multi_cell(label_width, 5.5, self.clean(label), align="L", new_x=XPos.RIGHT,
                            new_y=YPos.TOP)
            self.font(10, "B")
            self.multi_cell(0, 5.5, self.clean(value), align="L", new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)
            self.set_draw_color(*PALE)
            bottom = max(self.get_y(), y + 5.5)
            self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
            self.set_y(bottom + 0.8)
        self.ln(2)

    def bar_chart(self, chart: Chart, number: int) -> None:
        """A horizontal bar chart: one row a bar, the value printed at its end (so the chart
        reads without colour); with totals, the pale part is what is not yet done."""
        rows = chart.bars or [("(none)", 0)]
        row_h, label_w = 7.0, 62.0
        needed = 12 + row_h * len(rows)
        if self.get_y() + needed > self.h - 20:
            self.add_page()
        self.font(9.5, "B", BAND)
        self.multi_cell(0, 5, self.clean(f"Figure {number}: {chart.title}"), align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        top = self.get_y()
        bar_x = self.l_margin + label_w
        bar_w = self.w - self.r_margin - bar_x - 22
        most = max([*(chart.totals or []), *(v for _, v in rows), 1])
        for index, (label, value) in enumerate(rows):
            y = top + index * row_h
            self.font(8.5)
            self.set_xy(self.l_margin, y)
            self.cell(label_w - 2, row_h - 1, self.clean(_shorten(label, 44)), align="R")
            whole = value
            caption = str(value)
            if chart.totals is not None and index < len(chart.totals):
                whole = chart.totals[index]
                self.set_fill_color(*PALE)
                self.rect(bar_x, y + 0.8, bar_w * whole / most, row_h - 2.6, style="F")
                caption = f"{value} of {whole}"
            if value:
                self.set_fill_color(*BAND)
                self.rect(bar_x, y + 0.8, max(bar_w * value / most, 0.6), row_h - 2.6, style="F")
            self.set_xy(bar_x + bar_w * max(value, whole) / most + 1.5, y)
            self.font(8.5, "B")
            self.cell(20, row_h - 1, caption)
        self.set_draw_color(*MUTED)
        self.line(bar_x, top, bar_x, top + row_h * len(rows) - 1)
        self.set_xy(self.l_margin, top + row_h * len(rows) + 3)


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


# -- the policy ---------------------------------------------------------------------------------


def _clause(pdf: Document, text: str) -> None:
    """A clause's Markdown: paragraphs, one list item a line with its bullet hanging, bold as
    bold (smpolicy.web.markdown reads it, as for the pages)."""
    base = pdf.l_margin
    size = 10.5
    line = size * 0.5
    for block in clause_blocks(text):
        indent = 5.0 * block.depth
        if block.kind == "item":
            pdf.font(size)
            pdf.set_x(base + indent - 4)
            pdf.cell(4, line, pdf.clean(block.marker))
        pdf.set_left_margin(base + indent)
        pdf.set_x(base + indent)
        for run in block.runs:
            bold = run.bold or block.kind == "heading"
            pdf.font(size, ("B" if bold else "") + ("I" if run.italic else ""))
            pdf.write(line, pdf.clean(run.text))
        pdf.set_left_margin(base)
        pdf.ln(line)
        pdf.ln(0.3 if block.kind == "item" else 1.5)


def _sign_line(pdf: Document, label: str, name: str, day: dt.date | None) -> None:
    pdf.font(11)
    pdf.cell(55, 9, pdf.clean(label))
    pdf.font(11, "B")
    pdf.cell(60, 9, pdf.clean(name or "_" * 22))
    pdf.font(11)
    pdf.cell(12, 9, "Date:")
    pdf.font(11, "B")
    pdf.cell(0, 9, pdf.clean(_date(day) if day else "_" * 14),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def policy_pdf(version: PolicyVersion, pack: Pack) -> bytes:
    school_name = str(pack.school.get("name") or version.school.name)
    title = pack.title or version.title
    pdf = Document(title, f"{title} · version {version.label}")
    pdf.set_subject(f"{school_name}: social media policy, version {version.label}")
    pdf.add_page()
    pdf.para(title, 20, "B", colour=BAND, gap=1)
    status = version.get_status_display()
    facts = [f"Version {version.label}", status]
    if version.in_force_from:
        facts.append(f"in force from {_date(version.in_force_from)}")
    if version.review_due_on:
        facts.append(f"review by {_date(version.review_due_on)}")
    pdf.para(" · ".join(facts), 9.5, colour=MUTED, gap=0.5)
    pdf.para(f"Policy pack {version.pack_id} {version.pack_version} (SHA-256 "
             f"{version.pack_sha256[:16]}…)", 8, colour=MUTED, gap=4)
    if version.status in (PolicyVersion.Status.DRAFT, PolicyVersion.Status.UNDER_REVIEW):
        pdf.para("NOT YET APPROVED: this version has not been signed off.", 11, "B",
                 colour=(177, 14, 30), gap=3)
    section = None
    for clause in pack.clauses.values():
        if clause.id == "governance.sign-off":
            continue
        if clause.section != section:
            section = clause.section
            pdf.heading(section or "")
        _clause(pdf, clause.text)
        pdf.para(f"[{clause.id}]", 7.5, colour=MUTED, gap=2.5)
    if pdf.get_y() > pdf.h - 75:
        pdf.add_page()
    pdf.heading("Signed by")
    _sign_line(pdf, "Chair of Governing Body:",
               version.chair.full_name if version.chair else "", version.chair_signed_on)
    _sign_line(pdf, "Head teacher:", version.head.full_name if version.head else "",
               version.head_signed_on)
    pdf.font(11)
    pdf.cell(95, 9, "Agreed at the Full Governing Body Meeting on:")
    pdf.font(11, "B")
    pdf.cell(0, 9, pdf.clean(_date(version.agreed_at_meeting_on) or "_" * 14),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    if version.changes.strip():
        pdf.heading("What changed in this version", 12)
        pdf.para(version.changes, 10)
    return bytes(pdf.output())


# -- the governors' report ----------------------------------------------------------------------


def governors_pdf(report: Report) -> bytes:
    title = f"Governors' report: social media policy, {report.term.name}"
    pdf = Document(title, f"{report.school_name} · {title}")
    pdf.add_page()
    pdf.para(report.school_name, 11, "B", colour=MUTED, gap=0.5)
    pdf.para(title, 18, "B", colour=BAND, gap=1)
    generated = timezone.localtime(report.generated_at)
    pdf.para(
        f"From {_date(report.term.start)} to {_date(report.term.end)}. Made on "
        f"{_date(generated.date())}.", 9.5, colour=MUTED, gap=2,
    )
    pdf.para(
        "Anonymised: counts of records only. No pupil, parent or member of staff is named or "
        "described, and nothing written by or about a person is included. Clause ids are those "
        "of the school's policy.", 9.5, "I", gap=3,
    )
    figure = 0
    for section in report.sections:
        pdf.heading(f"{section.title}  [{section.clause}]", 13)
        if section.intro:
            pdf.para(section.intro, 9.5, colour=MUTED)
        for block in section.blocks:
            pdf.para(block.title, 10.5, "B", gap=1)
            if block.rows:
                pdf.pairs(block.rows)
            else:
                pdf.para("None this term.", 10, colour=MUTED)
            if block.chart is not None and block.chart.bars:
                figure += 1
                pdf.bar_chart(block.chart, figure)
            if block.note:
                pdf.para(block.note, 9, colour=MUTED)
    if report.left_out:
        pdf.heading("Not in this report", 12)
        for line in report.left_out:
            pdf.para(f"•  {line}", 9.5)
    return bytes(pdf.output())
