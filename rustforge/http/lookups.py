"""``get_or_404()``: one row or a 404, the most common first line of a responder.

    from rustforge.http import get_or_404

    class PostDetail:
        def on_get(self, req, resp, id):
            post = get_or_404(Post, Post.id == id, Post.published == True)
            resp.media = {"id": post.id, "title": post.title}

The 404 names neither the table nor the query, so nothing about the schema
leaks to the client.
"""

from __future__ import annotations

from typing import Any

import falcon


def get_or_404(source: Any, *expressions: Any, description: str | None = None,
               **filters: Any) -> Any:
    """The single row of ``source`` (a model or a select query) matching the
    expressions and ``field=value`` filters, or ``falcon.HTTPNotFound``.

    A value that cannot be compared (``id="abc"`` on an integer key) is a 404
    too, never a 500.
    """
    import peewee

    query = source.select() if isinstance(source, peewee.ModelBase) else source
    model = query.model
    for name, value in filters.items():
        if not _fits(getattr(model, name, None), value):
            raise falcon.HTTPNotFound(description=description)
    if expressions:
        query = query.where(*expressions)
    if filters:
        query = query.filter(**filters)
    try:
        row = query.get()
    except (peewee.DoesNotExist, ValueError, TypeError):
        # ValueError/TypeError: the field refused the value before any SQL ran.
        row = None
    except peewee.DataError:
        # The server refused the value's type. Outside a transaction nothing
        # is left broken, so it is a plain "not found"; inside one the
        # transaction is aborted and the caller must know.
        if model._meta.database.in_transaction():
            raise
        row = None
    if row is None:
        raise falcon.HTTPNotFound(description=description)
    return row


def _fits(field: Any, value: Any) -> bool:
    """False when ``value`` can never equal a value of ``field`` (``"abc"`` for an id)."""
    import uuid

    import peewee

    if isinstance(field, peewee.ForeignKeyField):
        field = field.rel_field
    try:
        if isinstance(field, peewee.IntegerField) and not isinstance(value, int):
            int(value)
        elif isinstance(field, peewee.UUIDField) and not isinstance(value, uuid.UUID):
            uuid.UUID(str(value))
    except (ValueError, TypeError):
        return False
    return True
