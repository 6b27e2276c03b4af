"""The PDF report font: a TrueType font that covers non-Latin text.

reportlab's built-in Helvetica knows Latin-1 only: Cyrillic, Greek or Arabic
text would come out as black boxes. The report registers DejaVu Sans, from
``EXPORT_PDF_FONT`` when set, else from the Debian package
``fonts-dejavu-core`` (``/usr/share/fonts/truetype/dejavu``) or the other
usual font folders. Without one it falls back to Helvetica, and
``manage.py check`` warns (``export.W001``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured

SEARCH_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)
_lock = threading.Lock()
_registered: dict[str, ReportFonts] = {}


@dataclass(frozen=True)
class ReportFonts:
    regular: str
    bold: str
    unicode: bool


def find_font() -> Path | None:
    """The regular TrueType font file to use, or None (Helvetica)."""
    configured = settings.EXPORT_PDF_FONT
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"EXPORT_PDF_FONT: no font file at {configured}")
        return path
    for candidate in SEARCH_PATHS:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def report_fonts() -> ReportFonts:
    """Register the report fonts with reportlab (once per process); their names."""
    path = find_font()
    key = str(path)
    with _lock:
        if key in _registered:
            return _registered[key]
        if path is None:
            fonts = ReportFonts("Helvetica", "Helvetica-Bold", unicode=False)
        else:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            regular = f"RFExport-{len(_registered)}"
            pdfmetrics.registerFont(TTFont(regular, str(path)))
            bold_path = path.with_name(path.stem + "-Bold" + path.suffix)
            bold = regular
            if bold_path.is_file():
                bold = regular + "-Bold"
                pdfmetrics.registerFont(TTFont(bold, str(bold_path)))
            fonts = ReportFonts(regular, bold, unicode=True)
        _registered[key] = fonts
        return fonts
