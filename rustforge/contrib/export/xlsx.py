"""XLSX workbooks with XlsxWriter, row by row in its constant-memory mode.

XlsxWriter (a well-kept, dependency-free writer; see docs/export.md for why
it was chosen) is an optional dependency: ``pip install rustforge[xlsx]``.
Every text cell is written as a string cell (``write_string``): a value such
as ``=cmd|' /C calc'!A0`` is stored as text and never becomes a formula, so
XLSX needs no ``'`` prefix.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable

from rustforge.contrib.export.columns import BoundColumn
from rustforge.exceptions import ImproperlyConfigured, RustForgeError

MAX_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, less the header
_WIDTH = 14  # characters per unit of a column's relative width


class TooManyRows(RustForgeError):
    """More rows than one worksheet holds."""


def available() -> bool:
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def write_xlsx(path: str, columns: list[BoundColumn], chunks: Iterable[list[tuple]], *,
               title: str, tmpdir: str | None = None,
               on_rows: Callable[[int], None] | None = None) -> int:
    """Write the workbook to the file ``path``; the number of rows."""
    try:
        import xlsxwriter
    except ImportError:
        raise ImproperlyConfigured("XLSX export needs XlsxWriter: pip install "
                                   "'rustforge[xlsx]'") from None
    workbook = xlsxwriter.Workbook(path, {
        "constant_memory": True, "tmpdir": tmpdir,
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "remove_timezone": True,
    })
    try:
        sheet = workbook.add_worksheet((title or "Export")[:31].translate(
            str.maketrans("[]:*?/\\", "       ")))
        bold = workbook.add_format({"bold": True, "bg_color": "#2F3B52", "font_color": "#FFFFFF"})
        date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width * _WIDTH)
            sheet.write_string(0, index, column.label, bold)
        sheet.freeze_panes(1, 0)
        write_string, write_number = sheet.write_string, sheet.write_number
        row_number = 0
        for rows in chunks:
            if row_number + len(rows) > MAX_ROWS:
                raise TooManyRows(f"more than {MAX_ROWS:,} rows do not fit one worksheet; "
                                  "export CSV instead")
            for row in rows:
                row_number += 1
                for col, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        write_string(row_number, col, value)
                    elif isinstance(value, bool):
                        sheet.write_boolean(row_number, col, value)
                    elif isinstance(value, (int, float, decimal.Decimal)):
                        write_number(row_number, col, float(value))
                    elif isinstance(value, dt.datetime):
                        sheet.write_datetime(row_number, col, value, datetime_fmt)
                    elif isinstance(value, dt.date):
                        sheet.write_datetime(row_number, col, value, date_fmt)
                    else:
                        write_string(row_number, col, str(value))
            if on_rows is not None:
                on_rows(row_number)
    finally:
        workbook.close()
    return row_number
