"""Export actions on every admin list page: the selected (or all filtered) rows as CSV,
JSON Lines or PDF.

Wired from this side: the admin imports no app, it imports each app's
``admin.py`` when both are installed, and this one adds site-wide actions.
The rows are the admin's own selection (its filters, its search, the ticked
rows or "select all"), narrowed further by the model's exporter when the
project declares one (its columns, its permission, its ``get_query``);
otherwise the list's field columns are exported, never a ``sensitive_fields``
field.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import peewee

from rustforge.conf import settings
from rustforge.contrib import admin
from rustforge.contrib.export.registry import exports

if TYPE_CHECKING:
    from rustforge.contrib.export.exporters import Exporter

_generic: dict[type, Exporter] = {}


def exporter_for(model_admin: Any) -> Exporter:
    """The project's exporter of the model, or one made from the admin's list columns."""
    # NOTE(memory): the admin's discovery imports this module in every worker;
    # the exporters (columns, filters, streams, csv) load with the first export.
    from rustforge.contrib.export.exporters import Exporter

    for exporter in exports.all():
        if exporter.model is model_admin.model:
            return exporter
    model = model_admin.model
    if model not in _generic:
        fields = model._meta.fields
        secret = set(model_admin.sensitive_fields)
        listed = [name for name in model_admin.list_display
                  if isinstance(name, str) and name in fields and name not in secret]
        pk = model._meta.primary_key.name
        columns = listed or [f.name for f in model._meta.sorted_fields if f.name not in secret]
        if pk not in columns and pk not in secret:
            columns.insert(0, pk)
        generic = type(f"{model.__name__}AdminExport", (Exporter,), {
            "name": f"admin-{model_admin.app_label}-{model_admin.model_name}"[:64],
            "model": model, "columns": columns, "permission": None,
            "title": str(model_admin.verbose_name_plural).capitalize()})
        _generic[model] = generic()
    return _generic[model]


def _narrowed(exporter: Exporter, queryset: Any) -> Exporter:
    """A copy of ``exporter`` that also keeps only the rows of the admin's query."""
    pk = exporter.model._meta.primary_key  # type: ignore[union-attr]
    rows = queryset.select(pk).order_by()
    if isinstance(rows, peewee.ModelSelect):
        rows = rows.limit(None).offset(None)
    clone = copy.copy(exporter)
    inner = exporter.get_query
    clone.get_query = lambda query, user: inner(query, user).where(pk.in_(rows))  # type: ignore
    return clone


def _export(fmt: str, model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    # NOTE(memory): as in exporter_for.
    from rustforge.contrib.export.exporters import Selection
    from rustforge.contrib.export.names import content_disposition
    from rustforge.contrib.export.render import FORMATS, filename, in_transaction, stream, write

    user = req.context.get("user")
    exporter = exporter_for(model_admin)
    if exporter.name in exports and not exporter.allowed(user):
        return "You may not export these rows (the export needs another permission)."
    if fmt not in exporter.formats:
        return f"This model's export offers only {', '.join(exporter.formats)}."
    narrowed = _narrowed(exporter, queryset)
    selection = Selection()
    if fmt == "pdf":
        total = narrowed.count(selection, user)
        if total > settings.EXPORT_PDF_MAX_ROWS:
            return (f"{total:,} rows are too many for a PDF (at most "
                    f"{settings.EXPORT_PDF_MAX_ROWS:,}); narrow the selection or export CSV.")
    now = dt.datetime.now(dt.UTC)
    if FORMATS[fmt].streams:
        resp.stream = in_transaction(stream(narrowed, fmt, selection, user,
                                            bom=settings.EXPORT_CSV_BOM))
    else:
        from rustforge.contrib.export.pdf import ReportLayoutError, TooManyPages

        out = io.BytesIO()
        try:
            write(out, narrowed, fmt, selection, user, now=now)
        except (TooManyPages, ReportLayoutError) as exc:
            return f"The PDF cannot be made: {exc}. Export CSV instead."
        resp.data = out.getvalue()
    resp.content_type = FORMATS[fmt].content_type
    resp.set_header("Content-Disposition", content_disposition(
        filename(exporter, fmt, f"{model_admin.model_name}-{now:%Y%m%d-%H%M}", now)))
    resp.set_header("Cache-Control", "no-store")
    return resp


def export_csv(model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    return _export("csv", model_admin, req, resp, queryset)


def export_jsonl(model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    return _export("jsonl", model_admin, req, resp, queryset)


def export_pdf(model_admin: Any, req: Any, resp: Any, queryset: Any) -> Any:
    return _export("pdf", model_admin, req, resp, queryset)


for _action, _text in ((export_csv, "Export selected rows as CSV"),
                       (export_jsonl, "Export selected rows as JSON Lines"),
                       (export_pdf, "Export selected rows as PDF")):
    _action.short_description = _text  # type: ignore[attr-defined]
    _action.allowed_permissions = ("view",)  # type: ignore[attr-defined]
    admin.site.add_action(_action)
