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

from rustforge.contrib.export.columns import Column
from rustforge.contrib.export.exporters import Exporter, Selection
from rustforge.contrib.export.filters import FilterError
from rustforge.contrib.export.registry import exports
from rustforge.contrib.export.streams import neutralise

__all__ = ["Column", "Exporter", "FilterError", "Selection", "exports", "neutralise"]
