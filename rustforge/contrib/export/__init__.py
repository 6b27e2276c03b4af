"""Exports: one declaration per model or query, out as CSV, JSON Lines, PDF or XLSX.

    # shop/exports.py
    from rustforge.contrib.export import Column, Exporter, exports

    @exports.register
    class BookExport(Exporter):
        name = "books"
        model = Book
        columns = ["title", Column("author.name", label="Author"), "price"]

``GET /export/books.csv?status=published`` streams it; ``manage.py export
books --format pdf -o books.pdf`` writes it. See ``docs/export.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rustforge.importing import lazy_exports

if TYPE_CHECKING:
    from rustforge.contrib.export.columns import Column
    from rustforge.contrib.export.exporters import Exporter, Selection
    from rustforge.contrib.export.filters import FilterError
    from rustforge.contrib.export.registry import exports
    from rustforge.contrib.export.streams import neutralise

__all__ = ["Column", "Exporter", "FilterError", "Selection", "exports", "neutralise"]

# NOTE(memory): importing the app (INSTALLED_APPS) loads none of these; the
# first export, or a project's ``exports.py``, imports them.
__getattr__ = lazy_exports(__name__, {
    "Column": "rustforge.contrib.export.columns",
    "Exporter": "rustforge.contrib.export.exporters",
    "Selection": "rustforge.contrib.export.exporters",
    "FilterError": "rustforge.contrib.export.filters",
    "exports": "rustforge.contrib.export.registry",
    "neutralise": "rustforge.contrib.export.streams",
})
