"""Formats and the two ways of producing them: a byte stream, or a written file.

CSV and JSON Lines stream (a response starts before the query ends); PDF and
XLSX are files (a PDF knows its page count only at the end; XLSX is a zip).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from rustforge.conf import settings
from rustforge.contrib.export.exporters import Exporter, Selection
from rustforge.contrib.export.streams import csv_chunks, jsonl_chunks


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    streams: bool


FORMATS = {
    "csv": Format("csv", "csv", "text/csv; charset=utf-8", True),
    "jsonl": Format("jsonl", "jsonl", "application/jsonl; charset=utf-8", True),
    "pdf": Format("pdf", "pdf", "application/pdf", False),
    "xlsx": Format("xlsx", "xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
}


def _counted(chunks: Iterator[list], on_rows: Callable[[int], None] | None,
             columnar: bool = False) -> Iterator[list]:
    if on_rows is None:
        yield from chunks
        return
    done = 0
    for chunk in chunks:
        yield chunk
        done += len(chunk[0]) if columnar else len(chunk)
        on_rows(done)


def stream(exporter: Exporter, fmt: str, selection: Selection, user: Any = None, *,
           bom: bool = False, on_rows: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV or JSON Lines export as byte chunks."""
    if fmt == "csv":
        columns = _counted(exporter.column_chunks(selection, user, as_text=True), on_rows,
                           columnar=True)
        return csv_chunks(exporter.bound_columns, columns, bom=bom)
    if fmt == "jsonl":
        return jsonl_chunks(exporter.bound_columns,
                            _counted(exporter.chunks(selection, user), on_rows))
    raise ValueError(f"{fmt!r} does not stream")


def in_transaction(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` made ready to stream after the responder has returned.

    The server iterates the body after the middleware has finished the
    request: it has rolled back anything left open and left the request's
    ambient context (the current tenant and its schema, ...). So the ambient
    context is captured now, with the carriers jobs use
    (``rustforge.queue.context``), and entered again around the iteration,
    inside one transaction that holds the PostgreSQL cursor.
    """
    from rustforge.queue import context

    return _streamed(chunks, context.capture())


def _streamed(chunks: Iterator[bytes], captured: dict) -> Iterator[bytes]:
    from rustforge.db import atomic, get_database
    from rustforge.queue import context

    with context.entered(captured):
        if getattr(get_database(), "vendor", "") != "postgresql":
            yield from chunks
            return
        with atomic():
            yield from chunks


def write(out: IO[bytes], exporter: Exporter, fmt: str, selection: Selection, user: Any = None,
          *, bom: bool = False, max_pages: int | None = None,
          on_rows: Callable[[int], None] | None = None, now: dt.datetime | None = None) -> None:
    """Write the export in ``fmt`` to the binary file ``out``."""
    if FORMATS[fmt].streams:
        for chunk in stream(exporter, fmt, selection, user, bom=bom, on_rows=on_rows):
            out.write(chunk)
        return
    chunks = exporter.chunks(selection, user)
    if fmt == "pdf":
        from rustforge.contrib.export.pdf import write_pdf

        write_pdf(out, exporter.bound_columns, chunks, title=exporter.title,
                  subtitle=selection.describe(), on_rows=on_rows, now=now,
                  max_pages=max_pages or settings.EXPORT_PDF_MAX_PAGES)
        return
    from rustforge.contrib.export.xlsx import write_xlsx

    write_xlsx(out, exporter.bound_columns, chunks, title=exporter.title,  # type: ignore[arg-type]
               on_rows=on_rows)


def filename(exporter: Exporter, fmt: str, wanted: str | None = None,
             now: dt.datetime | None = None) -> str:
    """A safe download name: ``books-20261203-0645.csv`` or the cleaned ``wanted`` name."""
    from rustforge.contrib.export.names import safe_filename

    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M")
    base = safe_filename(wanted) if wanted else ""
    return f"{base or exporter.name + '-' + stamp}.{FORMATS[fmt].extension}"
