"""PDF reports with reportlab's platypus.

A report is a title, a line saying when it was generated (and with which
filters), and one table whose header row repeats at the top of every page,
with zebra rows, long text wrapped inside its cell, landscape pages when the
columns need the width, and a "Page X of Y" footer.

Every piece of user text reaches reportlab either as a plain table cell
(drawn as it is, never parsed) or as a ``Paragraph`` after escaping ``&``,
``<`` and ``>``: paragraph markup such as ``<img src="/etc/passwd"/>`` or
``<link href=...>`` in a row is printed as text, never interpreted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    LayoutError,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from rustforge.contrib.export.columns import BOOL, NUMBER, BoundColumn
from rustforge.contrib.export.fonts import report_fonts
from rustforge.exceptions import RustForgeError

MARGIN = 15 * mm
FONT_SIZE = 8
# Width a column of weight 1 wants; more than a portrait page holds -> landscape.
UNIT_WIDTH = 28 * mm
HEADER_BG = colors.HexColor("#2f3b52")
ZEBRA = (colors.white, colors.HexColor("#eef1f6"))
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A cell longer than this is cut (and says so): a report is for reading, and one
# cell taller than a page could not be laid out at all.
MAX_CELL_CHARS = 2000


class TooManyPages(RustForgeError):
    """The report would be longer than the page bound."""


class ReportLayoutError(RustForgeError):
    """reportlab could not fit the content on the page."""


def markup_text(value: Any) -> str:
    """``value`` as Paragraph markup that shows exactly the text (escaped, line breaks kept)."""
    text = _CONTROL.sub("", str(value))
    return escape(text).replace("\n", "<br/>")


def _page_canvas(max_pages: int, footer: str, font: str) -> type:
    class NumberedCanvas(pdfcanvas.Canvas):
        """Holds each page until the end, when "Page X of Y" can be written."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            if len(self._pages) >= max_pages:
                raise TooManyPages(f"the report needs more than {max_pages} pages")
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(font, 7)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 8 * mm, footer)
                self.drawRightString(width - MARGIN, 8 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _cell(column: BoundColumn, style: ParagraphStyle, fits: int) -> Callable[[Any], Any]:
    if column.kind == NUMBER:
        return lambda value: "" if value is None else str(value)
    if column.kind == BOOL:
        return lambda value: "" if value is None else ("yes" if value else "no")

    def text(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        value = str(value)
        if len(value) > MAX_CELL_CHARS:
            value = f"{value[:MAX_CELL_CHARS]}… ({len(value):,} characters, cut)"
        if len(value) <= fits and "\n" not in value:
            return _CONTROL.sub("", value)  # drawn as it is: never parsed as markup
        return Paragraph(markup_text(value), style)
    return text


def write_pdf(out: IO[bytes], columns: list[BoundColumn], chunks: Iterable[list[tuple]], *,
              title: str, subtitle: str = "", max_pages: int = 100,
              on_rows: Callable[[int], None] | None = None,
              now: dt.datetime | None = None) -> int:
    """Write the report to ``out``; the number of rows. TooManyPages past ``max_pages``."""
    fonts = report_fonts()
    weights = [c.width for c in columns]
    pagesize = A4 if sum(weights) * UNIT_WIDTH <= A4[0] - 2 * MARGIN else landscape(A4)
    usable = pagesize[0] - 2 * MARGIN
    widths = [usable * w / sum(weights) for w in weights]
    body = ParagraphStyle("cell", fontName=fonts.regular, fontSize=FONT_SIZE,
                          leading=FONT_SIZE + 2)
    head = ParagraphStyle("head", parent=body, fontName=fonts.bold, textColor=colors.white)
    right = ParagraphStyle("right", parent=head, alignment=TA_RIGHT)
    # A plain cell holds about this many characters on one line before it must wrap.
    fits = [max(4, int(w / (FONT_SIZE * 0.55))) for w in widths]
    cells = [_cell(c, body, n) for c, n in zip(columns, fits, strict=True)]
    header = [Paragraph(markup_text(c.label), right if c.kind == NUMBER else head)
              for c in columns]
    data: list[list[Any]] = [header]
    count = 0
    for rows in chunks:
        for row in rows:
            data.append([cell(value) for cell, value in zip(cells, row, strict=True)])
        count += len(rows)
        if on_rows is not None:
            on_rows(count)
    generated = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    meta = f"Generated {generated} · {count:,} rows" + (f" · {subtitle}" if subtitle else "")
    title_style = ParagraphStyle("title", fontName=fonts.bold, fontSize=15, leading=19)
    meta_style = ParagraphStyle("meta", fontName=fonts.regular, fontSize=8, leading=11,
                                textColor=colors.grey)
    table = LongTable(data, colWidths=widths, repeatRows=1, splitInRow=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, FONT_SIZE, FONT_SIZE + 2),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, HEADER_BG),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if count:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), list(ZEBRA)))
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, c in enumerate(columns)
              if c.kind == NUMBER]
    table.setStyle(TableStyle(style))
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm, title=title,
                            author="RustForge export", creator="RustForge")
    story = [Paragraph(markup_text(title), title_style), Paragraph(markup_text(meta), meta_style),
             Spacer(0, 4 * mm), table]
    footer = _CONTROL.sub("", title)[:80]
    try:
        doc.build(story, canvasmaker=_page_canvas(max_pages, footer, fonts.regular))
    except LayoutError as exc:
        raise ReportLayoutError("a row does not fit on a page; export CSV instead") from exc
    return count
