"""``ModelResource``: a full REST endpoint for a peewee model.

    # blog/resources.py
    from rustforge.resources import ModelResource, Nested, computed

    class AuthorResource(ModelResource):
        model = Author
        fields = ["id", "name"]

    class PostResource(ModelResource):
        model = Post
        fields = ["id", "title", "body", "author", "published", "created"]
        read_only_fields = ["created"]
        filter_fields = {"author": ["exact", "in"], "published": ["exact"],
                         "created": ["gte", "lte"]}
        ordering_fields = ["id", "created", "title"]
        default_order = ["-created"]
        author = Nested(AuthorResource)                 # ?include=author
        permissions = {"create": "blog.add_post", "destroy": "blog.delete_post"}

        @computed({"type": "integer"})
        def word_count(self, obj):
            return len(obj.body.split())

    # blog/routes.py
    routes = [*PostResource.routes("/posts", name="posts")]

gives ``GET/POST /posts`` and ``GET/PUT/PATCH/DELETE /posts/{pk}``.
"""

from __future__ import annotations

import decimal
from typing import Any, ClassVar

import falcon
import peewee

from rustforge.db.scoping import internal_fields
from rustforge.exceptions import ImproperlyConfigured
from rustforge.forms.errors import NON_FIELD, ValidationError
from rustforge.forms.http import HTTPConflictFailed, HTTPValidationFailed, read_request
from rustforge.forms.models import ModelForm, form_field_for
from rustforge.resources import pagination as pg
from rustforge.resources.bulk import BULK_ACTIONS, BulkMixin
from rustforge.resources.conditional import (
    check_if_match,
    etag_for,
    not_modified,
    stored_etag,
    write_transaction,
)
from rustforge.resources.fields import schema_for_model_field, to_json
from rustforge.resources.query import (
    ITEM_PARAMS,
    bad_request,
    parse_fields,
    parse_filters,
    parse_include,
    parse_order,
)
from rustforge.resources.resource import Resource
from rustforge.resources.trash import TRASH_ACTIONS, TrashMixin, flag

_JSON_NATIVE = frozenset({str, int, bool})
ACTIONS = ("list", "retrieve", "create", "update", "partial_update", "destroy")
EXTRA_ACTIONS = (*TRASH_ACTIONS, *BULK_ACTIONS)  # opt-in: list them in ``actions``
READ_ACTIONS = {"list", "retrieve", "trash"}
_ITEM_PARAMS = set(ITEM_PARAMS)
_LIST_PARAMS = {"fields", "include", "order", "limit", "offset", "cursor"}


class ModelResource(TrashMixin, BulkMixin, Resource):
    """REST for ``model``. Class attributes (all optional but ``model``):

    ``fields`` (default: every column but ``deleted_at`` and a row scope's), ``read_only_fields``,
    ``form_class`` (a ModelForm; default generated from the writable fields),
    ``filter_fields`` (name -> lookups, or a list for exact matches),
    ``ordering_fields``, ``default_order``, ``pagination`` ("offset" or
    "cursor"), ``page_size`` / ``max_page_size`` (default: the API_PAGE_SIZE /
    API_MAX_PAGE_SIZE settings), ``actions`` (subset of ACTIONS),
    ``permissions`` (action -> permission name checked with
    ``req.context.user.has_perm``), ``required_scopes`` ("read"/"write" ->
    OAuth scopes checked when the request carries a token),
    ``require_if_match`` (writes need ``If-Match``: 428 without it),
    ``max_bulk_size``. The opt-in actions of EXTRA_ACTIONS add the trash of a
    soft-delete model (:mod:`rustforge.resources.trash`) and bulk writes
    (:mod:`rustforge.resources.bulk`); items carry an ``ETag``
    (:mod:`rustforge.resources.conditional`).
    """

    model: ClassVar[type[peewee.Model] | None] = None
    read_only_fields: ClassVar[Any] = ()
    form_class: ClassVar[type[ModelForm] | None] = None
    filter_fields: ClassVar[Any] = {}
    ordering_fields: ClassVar[Any] = ()
    default_order: ClassVar[Any] = ()
    pagination: ClassVar[str] = "offset"
    page_size: ClassVar[int | None] = None
    max_page_size: ClassVar[int | None] = None
    actions: ClassVar[tuple[str, ...]] = ACTIONS
    permissions: ClassVar[dict[str, str]] = {}
    required_scopes: ClassVar[dict[str, list[str]]] = {}
    require_if_match: ClassVar[bool] = False

    @classmethod
    def setup(cls) -> None:
        model = cls.model
        if model is None:
            super().setup()
            return
        for attr in ("fields", "read_only_fields", "ordering_fields", "default_order"):
            if isinstance(getattr(cls, attr), str):  # ("id") is a string, not a tuple
                raise ImproperlyConfigured(f"{cls.__name__}.{attr} must be a list of names, "
                                           f"not the string {getattr(cls, attr)!r}")
        meta = model._meta
        internal = internal_fields(model)
        names = list(cls.fields) if cls.fields else [
            f.name for f in meta.sorted_fields if f.name not in internal]
        soft = getattr(meta, "soft_delete_field", None)
        if soft and not cls.fields and "trash" in cls.actions:
            names.append(soft)  # the trash shows when a row was deleted
        for name in names:
            if name not in meta.fields:
                raise ImproperlyConfigured(f"{cls.__name__}.fields: {model.__name__} has no "
                                           f"field {name!r}")
        cls.model_field_names = names
        cls.field_schemas = {}
        read_only = {meta.primary_key.name, *cls.read_only_fields, *([soft] if soft else [])}
        for name in names:
            schema = schema_for_model_field(meta.fields[name])
            if name in read_only:
                schema["readOnly"] = True
            cls.field_schemas[name] = schema
        cls.writable_fields = [n for n in names if n not in read_only]
        cls._places = {n: meta.fields[n].decimal_places for n in names
                       if isinstance(meta.fields[n], peewee.DecimalField)}
        if cls.form_class is None or getattr(cls.form_class, "generated", False):
            # Generated again for a subclass, whose fields may differ from its parent's.
            form_meta = type("Meta", (), {"model": model, "fields": cls.writable_fields})
            cls.form_class = type(f"{cls.__name__}Form", (ModelForm,),
                                  {"Meta": form_meta, "generated": True})
        filters = cls.filter_fields
        cls._filters = ({name: ["exact"] for name in filters} if not isinstance(filters, dict)
                        else {k: list(v) for k, v in filters.items()})
        for name in [*cls._filters, *cls.ordering_fields]:
            if name not in meta.fields:
                raise ImproperlyConfigured(f"{cls.__name__}: cannot filter or order on "
                                           f"{name!r}, not a field of {model.__name__}")
        from rustforge.resources.query import LOOKUPS

        for name, lookups in cls._filters.items():
            unknown = [lookup for lookup in lookups if lookup not in LOOKUPS]
            if unknown:
                raise ImproperlyConfigured(f"{cls.__name__}.filter_fields[{name!r}]: unknown "
                                           f"lookup(s) {unknown}; known: {sorted(LOOKUPS)}")
        if cls.pagination == "cursor":
            nullable = [n for n in cls.ordering_fields if meta.fields[n].null]
            if nullable:  # keyset comparisons cannot step over NULLs
                raise ImproperlyConfigured(f"{cls.__name__}: cursor pagination cannot order by "
                                           f"nullable field(s) {nullable}")
        cls._cleaners = {name: form_field_for(meta.fields[name], include_pk=True)
                         for name in cls._filters}
        cls._key = form_field_for(meta.primary_key, include_pk=True)
        cls._relations = {}
        for name, nested in cls.nested_fields.items():
            attr = nested.attr or name
            field = meta.fields.get(attr)
            if isinstance(field, peewee.ForeignKeyField) and not nested.many:
                cls._relations[name] = ("fk", field)
                continue
            backref = next((fk for fk in meta.backrefs if fk.backref == attr), None)
            if backref is None or not nested.many:
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name}: Nested needs a foreign key of {model.__name__} "
                    f"(many=False) or a backref name (many=True)")
            cls._relations[name] = ("backref", backref)
        if cls.pagination not in ("offset", "cursor"):
            raise ImproperlyConfigured(f"{cls.__name__}.pagination must be 'offset' or 'cursor'")

    # Values ------------------------------------------------------------------------
    def get_value(self, obj: Any, name: str) -> Any:
        # __data__ holds the foreign key's value, so no query for the related row.
        data = getattr(obj, "__data__", None)
        if data is not None and name in self.field_schemas:
            value = data.get(name)
            places = self._places.get(name)
            if places is not None and value is not None:
                # SQLite hands back Decimal("1") for 1.00: show the column's scale.
                value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-places))
            return value
        return getattr(obj, name, None)

    def declared_values(self, obj: Any, wanted: set[str] | None) -> dict[str, Any]:
        # PERF: the per-row loop of every list; reads __data__ directly (which also
        # never loads a related row) and converts only values JSON cannot hold.
        data = obj.__data__
        places = self._places
        out = {}
        for name in self.field_schemas:
            if wanted is not None and name not in wanted:
                continue
            value = data.get(name)
            if value is not None and type(value) not in _JSON_NATIVE:
                if name in places:
                    value = decimal.Decimal(value).quantize(
                        decimal.Decimal(1).scaleb(-places[name]))
                value = to_json(value)
            out[name] = value
        return out

    # Hooks ---------------------------------------------------------------------------
    def get_query(self, req: falcon.Request) -> peewee.ModelSelect:
        """Rows this request may see (override to scope, e.g. to the owner)."""
        return self.model.select()

    def has_permission(self, req: falcon.Request, action: str, obj: Any = None) -> bool:
        """True to allow ``action`` (one of ACTIONS) on ``obj`` (None for list
        and create). Default: the ``permissions`` entry, checked with
        ``req.context.user.has_perm`` (the auth app); no entry allows."""
        perm = self.permissions.get(action)
        if perm is None:
            return True
        user = getattr(req.context, "user", None)
        return bool(user is not None and user.has_perm(perm))

    def check_scopes(self, req: falcon.Request, action: str) -> None:
        """OAuth: a request authenticated by a token (``req.context.scopes``
        set by the oauth app) needs ``required_scopes`` of the action's kind."""
        needed = self.required_scopes.get("read" if action in READ_ACTIONS else "write")
        granted = getattr(req.context, "scopes", None)
        if not needed or granted is None:
            return
        missing = [s for s in needed if s not in set(granted)]
        if missing:
            raise falcon.HTTPForbidden(
                title="Insufficient scope", description=f"Token lacks scope(s): "
                                                         f"{' '.join(missing)}.",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", '
                                             f'scope="{" ".join(needed)}"'})

    def authorize(self, req: falcon.Request, action: str, obj: Any = None) -> None:
        if action not in self.actions:
            raise falcon.HTTPMethodNotAllowed(self._allowed(action))
        self.check_scopes(req, action)
        if not self.has_permission(req, action, obj):
            user = getattr(req.context, "user", None)
            if user is None or not getattr(user, "is_authenticated", False):
                raise falcon.HTTPUnauthorized(title="Authentication required",
                                              description="Log in to do this.")
            raise falcon.HTTPForbidden(title="Permission denied",
                                       description=f"You may not {action.replace('_', ' ')} "
                                                   f"this resource.")

    def _allowed(self, action: str) -> list[str]:
        item = action in ("retrieve", "update", "partial_update", "destroy")
        table = ({"retrieve": "GET", "update": "PUT", "partial_update": "PATCH",
                  "destroy": "DELETE"} if item else {"list": "GET", "create": "POST"})
        return [method for act, method in table.items() if act in self.actions]

    # Loading ------------------------------------------------------------------------
    def load_includes(self, rows: list[peewee.Model], include: list[str]) -> None:
        """One query per included relation, whatever the number of rows."""
        if not rows:
            return
        for name in include:
            kind, fk = self._relations[name]
            if kind == "fk":
                keys = {row.__data__.get(fk.name) for row in rows} - {None}
                found = {}
                if keys:
                    query = fk.rel_model.select().where(fk.rel_field.in_(list(keys)))
                    found = {row.__data__[fk.rel_field.name]: row for row in query}
                for row in rows:
                    related = found.get(row.__data__.get(fk.name))
                    if related is not None:  # soft-deleted or gone: keep the bare key
                        row.__rel__[fk.name] = related
            else:
                child = fk.model
                keys = [row._pk for row in rows]
                groups: dict[Any, list] = {key: [] for key in keys}
                query = (child.select().where(fk.in_(keys))
                         .order_by(child._meta.primary_key))
                for item in query:
                    groups.setdefault(item.__data__[fk.name], []).append(item)
                for row in rows:
                    row.__dict__[fk.backref] = groups.get(row._pk, [])

    def get_object(self, req: falcon.Request, pk: str, *, scope: str | None = None,
                   lock: bool = False) -> peewee.Model:
        """The row ``pk`` of ``get_query`` (404 otherwise). ``scope``: ``"all"`` or
        ``"deleted"`` for a soft-delete model's trash; ``lock``: ``FOR UPDATE``."""
        try:
            key = self._key.clean(pk)
        except ValidationError:
            raise self._not_found(pk) from None
        pk_field = self.model._meta.primary_key
        obj = self.scoped_query(req, scope).where(pk_field == key).first()
        if obj is not None and lock:
            # Locked through a plain query on the table: get_query() may join,
            # group or use DISTINCT, with which FOR UPDATE is not allowed.
            select = getattr(self.model, "with_deleted", self.model.select)
            obj = select().where(pk_field == key).for_update().first()
        if obj is None:
            raise self._not_found(pk)
        return obj

    def _not_found(self, pk: str) -> falcon.HTTPNotFound:
        return falcon.HTTPNotFound(title="Not found",
                                   description=f"No {self.model.__name__} with key "
                                               f"{str(pk)[:40]!r}.")

    def _output_params(self, req: falcon.Request, reserved: set[str]):
        params = req.params
        if not reserved >= set(params):
            unknown = sorted(set(params) - reserved)
            raise bad_request("Invalid query parameter",
                              f"Unknown parameter(s) {', '.join(unknown)}; this endpoint takes "
                              f"{', '.join(sorted(reserved))}.")
        return (parse_fields(params, self.output_names()),
                parse_include(params, list(self.nested_fields)))

    # Responders ----------------------------------------------------------------------
    def on_get_collection(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.authorize(req, "list")
        params = req.params
        reserved = _LIST_PARAMS | {k for k in params if k.partition("__")[0] in self._filters}
        only, include = self._output_params(req, reserved | self.list_params())
        scope = self.trash_scope(req)
        if self.pagination == "cursor" and "offset" in params:
            raise bad_request("Invalid pagination", "This list is paged with cursor, not offset.")
        if self.pagination == "offset" and "cursor" in params:
            raise bad_request("Invalid pagination", "This list is paged with limit and offset.")
        query = self.scoped_query(req, scope)
        skip = _LIST_PARAMS | self.list_params()
        conditions = parse_filters(
            {k: v for k, v in params.items() if k not in skip}, self._filters,
            self.model, self._clean_filter_value, skip)
        if conditions:
            query = query.where(*conditions)
        meta = self.model._meta
        order = parse_order(params, list(self.ordering_fields), list(self.default_order))
        order = [(n, d) for n, d in order if n != meta.primary_key.name] + [
            next(((n, d) for n, d in order if n == meta.primary_key.name),
                 (meta.primary_key.name, False))]
        columns = [meta.fields[n] for n, _ in order]
        query = query.order_by(*[c.desc() if d else c.asc() for c, (_, d) in zip(columns, order)])
        from rustforge.conf import settings

        max_size = self.max_page_size or settings.API_MAX_PAGE_SIZE
        limit = pg.parse_int(params, "limit", min(self.page_size or settings.API_PAGE_SIZE,
                                                  max_size), 1, max_size)
        body: dict[str, Any]
        if self.pagination == "offset":
            offset = pg.parse_int(params, "offset", 0, 0, 10**9)
            count = query.count()
            rows = list(query.limit(limit).offset(offset))
            body = {"meta": {"count": count, "limit": limit, "offset": offset},
                    "links": {
                        "next": pg.page_link(req, offset=offset + limit)
                        if offset + limit < count else None,
                        "prev": pg.page_link(req, offset=max(offset - limit, 0) or None)
                        if offset > 0 else None}}
        else:
            if "cursor" in params:
                values = pg.decode_cursor(params["cursor"], len(columns))
                cleaners = [self._cursor_cleaner(c) for c in columns]
                values = pg.clean_cursor_values(values, cleaners)
                query = query.where(pg.keyset_condition(columns, [d for _, d in order], values))
            rows = list(query.limit(limit + 1))
            more = len(rows) > limit
            rows = rows[:limit]
            cursor = None
            if more:
                last = rows[-1]
                cursor = pg.encode_cursor([self._cursor_value(last, c) for c in columns])
            body = {"meta": {"limit": limit, "next_cursor": cursor},
                    "links": {"next": pg.page_link(req, cursor=cursor) if cursor else None}}
        self.load_includes(rows, include)
        body["data"] = [self.serialize(row, req, only=only, include=include) for row in rows]
        resp.media = body

    def on_post_collection(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.authorize(req, "create")
        only, include = self._output_params(req, _ITEM_PARAMS)
        obj = self._save(req, None, partial=False)
        resp.status = falcon.HTTP_201
        resp.location = f"{req.path.rstrip('/')}/{obj._pk}"
        resp.etag = stored_etag(obj)
        self.load_includes([obj], include)
        resp.media = self.serialize(obj, req, only=only, include=include)

    def on_get_item(self, req: falcon.Request, resp: falcon.Response, pk: str) -> None:
        only, include = self._output_params(req, _ITEM_PARAMS)
        obj = self.get_object(req, pk)
        self.authorize(req, "retrieve", obj)
        resp.etag = etag_for(obj)
        if not_modified(req, resp.etag):
            resp.status = falcon.HTTP_304
            return
        self.load_includes([obj], include)
        resp.media = self.serialize(obj, req, only=only, include=include)

    def on_put_item(self, req: falcon.Request, resp: falcon.Response, pk: str) -> None:
        self._update(req, resp, pk, partial=False)

    def on_patch_item(self, req: falcon.Request, resp: falcon.Response, pk: str) -> None:
        self._update(req, resp, pk, partial=True)

    def on_delete_item(self, req: falcon.Request, resp: falcon.Response, pk: str) -> None:
        force_allowed = self.trash_enabled("force_delete")
        self._output_params(req, {"force"} if force_allowed else set())
        if force_allowed and flag(req.params, "force"):
            self.force_delete(req, pk)
            resp.status = falcon.HTTP_204
            return
        try:
            with write_transaction(self.model) as lock:
                obj = self.get_object(req, pk, lock=lock)
                self.authorize(req, "destroy", obj)
                check_if_match(req, obj, required=self.require_if_match)
                obj.delete_instance()
        except peewee.IntegrityError:
            raise falcon.HTTPConflict(
                title="Conflict", description=f"This {self.model.__name__} is still referenced "
                                              f"by other rows.") from None
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, pk: str, *,
                partial: bool) -> None:
        only, include = self._output_params(req, _ITEM_PARAMS)
        with write_transaction(self.model) as lock:
            obj = self.get_object(req, pk, lock=lock)
            self.authorize(req, "partial_update" if partial else "update", obj)
            check_if_match(req, obj, required=self.require_if_match)
            obj = self._save(req, obj, partial=partial)
            resp.etag = stored_etag(obj)
        obj.__rel__.clear()  # a changed foreign key must not show the old related row
        self.load_includes([obj], include)
        resp.media = self.serialize(obj, req, only=only, include=include)

    def _save(self, req: falcon.Request, obj: Any, *, partial: bool) -> peewee.Model:
        data, html = read_request(req)
        form = self.form_class(data, instance=obj, partial=partial, html=html)
        if form.errors:
            raise _failure(form, form.errors)
        try:
            return form.save()
        except HTTPValidationFailed:
            raise
        except type(form).failure_class as exc:
            raise _failure(form, exc.errors) from None
        except peewee.DataError:
            raise HTTPValidationFailed(
                {NON_FIELD: ["A value was rejected by the database."]}) from None

    # Filters and cursors -------------------------------------------------------------
    def _clean_filter_value(self, name: str, raw: Any) -> Any:
        if name == "__bool__":
            from rustforge.forms.fields import BooleanField

            return BooleanField().clean(raw)
        value = self._cleaners[name].clean(raw)
        return value._pk if isinstance(value, peewee.Model) else value

    def _cursor_cleaner(self, column: peewee.Field):
        field = form_field_for(column, include_pk=True)
        return lambda value: _plain(field.clean(value))

    def _cursor_value(self, row: peewee.Model, column: peewee.Field) -> Any:
        return to_json(row.__data__.get(column.name))

    # Routing and description ---------------------------------------------------------
    @classmethod
    def routes(cls, prefix: str, *, name: str | None = None) -> list:
        """``route()`` entries for the collection and the item."""
        from rustforge.http.routing import route

        if cls.model is None:
            raise ImproperlyConfigured(f"{cls.__name__}.model is not set")
        instance = cls()
        name = name or cls.model._meta.table_name
        prefix = "/" + prefix.strip("/")
        found = [route(prefix, instance, name=f"{name}-list", suffix="collection")]
        if any(a in cls.actions for a in BULK_ACTIONS):
            # Before the item route: a static segment wins over {pk} in falcon anyway.
            found.append(route(prefix.rstrip("/") + "/bulk", instance, name=f"{name}-bulk",
                               suffix="bulk"))
        found.append(route(prefix.rstrip("/") + "/{pk}", instance, name=f"{name}-detail",
                           suffix="item"))
        if instance.trash_enabled("restore"):
            found.append(route(prefix.rstrip("/") + "/{pk}/restore", instance,
                               name=f"{name}-restore", suffix="restore"))
        return found

    def openapi(self, path: str, suffix: str | None) -> dict | None:
        from rustforge.resources.openapi import describe_model_resource

        return describe_model_resource(self, path, suffix)


def _failure(form: Any, errors: dict) -> falcon.HTTPError:
    """409 when every error is a conflict with an existing row, else 422."""
    if form.conflicts and set(errors) == set(form.conflicts):
        return HTTPConflictFailed(errors)
    return HTTPValidationFailed(errors)


def _plain(value: Any) -> Any:
    return value._pk if isinstance(value, peewee.Model) else value
