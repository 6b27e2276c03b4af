"""The compiled-SQL path for pk lookups and updates behaves exactly like peewee."""

import datetime
import logging

import peewee
import pytest
from testproject.notes.models import Note, Notebook
from tests_helpers import sent

from rustforge.db import Model, conversions, fastpath, get_database
from rustforge.events import signals
from rustforge.exceptions import DatabaseAccessBlocked


@pytest.fixture
def sql_log(caplog):
    """The (sql, params) pairs peewee logs for every statement."""
    caplog.set_level(logging.DEBUG, logger="peewee")

    def statements():
        return [r.msg for r in caplog.records if r.name == "peewee"]
    return statements


def _peewee_get(model, pk):
    return model.select().where(model._meta.primary_key == pk).get()


def test_get_by_id_matches_peewee(db):
    book = Notebook.create(title="first")
    note = Note.create(notebook=book, text="hello <b>")
    fast = Note.get_by_id(note.id)
    slow = _peewee_get(Note, note.id)
    assert type(fast) is Note
    assert fast.__data__ == slow.__data__
    assert isinstance(fast.created, datetime.datetime)  # python_value applied
    assert fast._dirty == set() and not fast.is_dirty()
    assert fast.notebook.title == "first"  # the foreign key still loads lazily
    assert fast.notebook_id == book.id


def test_same_sql_and_params_as_peewee(db, sql_log):
    book = Notebook.create(title="sql")
    fastpath.clear_cache(Notebook)
    start = len(sql_log())
    Notebook.get_by_id(book.id)
    _peewee_get(Notebook, book.id)
    fast, slow = sql_log()[start:]
    assert sent(fast) == sent(slow)  # what the database receives
    # psycopg2: the key and LIMIT 1 OFFSET 0 written in, as psycopg2 would; SQLite: as peewee
    written = slow[0].replace("= %s)", f"= {book.id})").replace(
        "LIMIT %s OFFSET %s", "LIMIT 1 OFFSET 0")
    assert fast == slow or (fast[0] == written and fast[1] == [])


class _Psycopg2:
    _adapter = peewee.Psycopg2Adapter()


def test_the_only_parameter_is_found_for_psycopg2_only():
    sql = "SELECT 1 FROM t WHERE a LIKE '%%x' AND id = %s LIMIT 1"
    assert conversions.around_parameter(_Psycopg2(), sql, ["k"]) == (
        "SELECT 1 FROM t WHERE a LIKE '%%x' AND id = ", " LIMIT 1")
    assert conversions.around_parameter(_Psycopg2(), "a = %s AND b = %s", [1, 2]) is None
    assert conversions.around_parameter(peewee.SqliteDatabase(":memory:"), sql, ["k"]) is None


def test_keys_that_are_not_plain_ints_stay_parameters(db, sql_log):
    book = Notebook.create(title="keys")
    fastpath.clear_cache(Notebook)
    for key in (book.id, str(book.id), True if book.id == 1 else book.id):
        assert Notebook.get_by_id(key).title == "keys"
    with pytest.raises(Notebook.DoesNotExist):
        Notebook.get_by_id(-7)
    assert sql_log()[-1][1][0] == -7  # a parameter (psycopg2 writes " -7"): left to the driver


@pytest.mark.parametrize(("sql", "params", "want_sql", "want_params"), [
    ("a = %s LIMIT %s OFFSET %s", ["m", 1, 0], "a = %s LIMIT 1 OFFSET 0", ["m"]),
    ("a LIKE '%%x' AND b = %s", [7], "a LIKE '%%x' AND b = 7", []),
    ("a = %s AND b = %s AND c = %s", [-5, True, 2.5], "a = %s AND b = %s AND c = %s",
     [-5, True, 2.5]),  # psycopg2 writes " -5" and "true": left to it
])
def test_int_constants_are_written_in_for_psycopg2_only(sql, params, want_sql, want_params):
    assert conversions.inline_constants(_Psycopg2(), sql, params) == (want_sql, want_params)
    sqlite = peewee.SqliteDatabase(":memory:")
    assert conversions.inline_constants(sqlite, sql, params) == (sql, params)


def test_every_lookup_spelling_uses_the_cache(db):
    book = Notebook.create(title="spellings")
    fastpath.clear_cache(Notebook)
    assert Notebook.get(Notebook.id == book.id).title == "spellings"
    plan = Notebook._meta._rustforge_get
    assert Notebook.get_by_id(book.id).title == "spellings"
    assert Notebook[book.id].title == "spellings"
    assert Notebook.get(book.id).title == "spellings"
    assert Notebook.get(id=book.id).title == "spellings"
    assert Notebook.get_or_none(Notebook.id == book.id).title == "spellings"
    assert book.id in Notebook
    assert Notebook._meta._rustforge_get is plan  # compiled once


def test_missing_row_raises_does_not_exist(db):
    with pytest.raises(Notebook.DoesNotExist, match="does not exist"):
        Notebook.get_by_id(987654)
    assert Notebook.get_or_none(Notebook.id == 987654) is None
    assert 987654 not in Notebook


def _outcome(fn):
    try:
        with get_database().atomic():  # a savepoint: PostgreSQL aborts on a bad value
            return fn().title
    except (peewee.PeeweeException, peewee.DoesNotExist) as exc:
        return type(exc)


def test_bad_pk_fails_like_peewee(db):
    # peewee passes a non-numeric string through: SQLite finds nothing,
    # PostgreSQL refuses the value. The fast path must do exactly the same.
    slow = _outcome(lambda: _peewee_get(Notebook, "not-a-number"))
    fast = _outcome(lambda: Notebook.get_by_id("not-a-number"))
    assert fast is slow
    assert fast in (Notebook.DoesNotExist, peewee.DataError)
    book_id = Notebook.create(title="s").id
    assert Notebook.get_by_id(str(book_id)).title == "s"


def test_other_shapes_fall_back_to_peewee(db):
    book = Notebook.create(title="other")
    assert Notebook.get(Notebook.title == "other").id == book.id
    assert Notebook.get(Notebook.id >= book.id).id == book.id
    assert Notebook.get((Notebook.id == book.id) & (Notebook.title == "other")).id == book.id
    assert Notebook.get(title="other").id == book.id
    assert Notebook.get_or_none(Notebook.id.is_null()) is None


def test_save_updates_the_row(db, sql_log):
    book = Notebook.create(title="before")
    fetched = Notebook.get_by_id(book.id)
    fetched.title = "after"
    assert fetched.is_dirty()
    assert fetched.save() == 1
    assert not fetched.is_dirty()
    assert _peewee_get(Notebook, book.id).title == "after"
    sql, params = sql_log()[-2]
    assert sql.startswith('UPDATE "notes_notebook" SET "title" = ')
    # psycopg2: the key written in, as psycopg2 would; SQLite binds it
    assert params == ["after"] or params == ["after", book.id]


def test_save_sends_what_peewee_sends(db, sql_log):
    book, other = Notebook.create(title="sent"), Notebook.create(title="other")
    note = Note.get_by_id(Note.create(notebook=book, text="x").id)
    cases = [{"notebook": other.id},  # an int column: written in for psycopg2
             {"notebook": other.id, "text": "100%% <b>", "created": datetime.datetime(2020, 1, 2)},
             {"notebook": str(book.id), "text": 5}]  # converted by the field first
    for changes in cases:
        for name, value in changes.items():
            setattr(note, name, value)
        start = len(sql_log())
        assert note.save() == 1
        assert peewee.Model.save(note) == 1  # peewee's own UPDATE, same values
        fast, slow = [s for s in sql_log()[start:] if s[0].startswith("UPDATE")]
        assert sent(fast) == sent(slow)
        assert fast[1] == [v for v in slow[1] if type(v) is not int] or fast == slow
    again = _peewee_get(Note, note.id)
    assert (again.notebook_id, again.text) == (book.id, "5")


@pytest.mark.parametrize("driver", ["psycopg2", "sqlite"])
def test_statement_writes_in_exact_non_negative_ints_for_psycopg2(driver):
    db = _Psycopg2() if driver == "psycopg2" else peewee.SqliteDatabase(":memory:")
    sql = "UPDATE t SET a = %s, b = %s WHERE c LIKE '%%x' AND id = %s"
    fields = [peewee.IntegerField(), peewee.CharField(), peewee.IntegerField()]
    slots = [conversions.field_slot(i, fields[i]) for i in (2, 0, 1)]
    statement = conversions.compile_statement(db, sql, slots, expressions=True)
    written, kept = statement([7, "s", 3])
    if driver == "sqlite":
        assert (written, kept) == (sql, [3, 7, "s"])
        return
    assert (written, kept) == ("UPDATE t SET a = 3, b = 7 WHERE c LIKE '%%x' AND id = %s", ["s"])
    # psycopg2 writes " -5" and "true": left to it; "12" becomes 12 through db_value
    assert statement([-5, True, "12"]) == (
        "UPDATE t SET a = 12, b = %s WHERE c LIKE '%%x' AND id = %s", [-5, "True"])
    assert statement([peewee.SQL("1"), "s", 3]) is conversions.EXPRESSION


def test_save_sends_signals_and_converts_values(db):
    book = Notebook.create(title="signals")
    note = Note.create(notebook=book, text="x")
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((sender, instance.id, created))

    signals.post_save.connect(receiver, weak=False)
    try:
        fetched = Note.get_by_id(note.id)
        fetched.created = datetime.datetime(2020, 1, 2, 3, 4, 5)
        fetched.notebook = Notebook.create(title="moved")  # a model instance as fk value
        assert fetched.save() == 1
    finally:
        signals.post_save.disconnect(receiver)
    assert (Note, note.id, False) in seen
    again = _peewee_get(Note, note.id)
    assert again.created == datetime.datetime(2020, 1, 2, 3, 4, 5)
    assert again.notebook.title == "moved"


def test_save_converts_values_of_other_types_through_the_field(db, sql_log):
    book = Notebook.create(title="types")
    note = Note.get_by_id(Note.create(notebook=book, text="x").id)
    note.created = "2021-05-06 07:08:09"  # text: parsed by DateTimeField.db_value
    note.notebook = str(book.id)  # text: int() of the referenced key
    note.text = 42  # an int: str() of it for a text column
    assert note.save() == 1
    sql, params = sql_log()[-1]
    assert sql.startswith("UPDATE") and datetime.datetime(2021, 5, 6, 7, 8, 9) in params
    # psycopg2: the converted key written in, as psycopg2 would; SQLite binds it
    assert book.id in params or f'"notebook_id" = {book.id},' in sql
    assert "42" in params
    again = _peewee_get(Note, note.id)
    assert (again.created, again.notebook_id, again.text) == (
        datetime.datetime(2021, 5, 6, 7, 8, 9), book.id, "42")


def test_save_of_a_deleted_row_returns_zero(db):
    book = Notebook.create(title="gone")
    fetched = Notebook.get_by_id(book.id)
    Notebook.delete_by_id(book.id)
    fetched.title = "still gone"
    assert fetched.save() == 0


def test_save_inserts_and_honours_only_and_expressions(db):
    book = Notebook(title="new")
    assert book.save() == 1 and book.id is not None
    note = Note.create(notebook=book, text="a")
    note.text = "b"
    note.created = datetime.datetime(1999, 1, 1)
    note.save(only=[Note.text])
    again = Note.get_by_id(note.id)
    assert again.text == "b" and again.created != datetime.datetime(1999, 1, 1)
    again.text = peewee.fn.UPPER(Note.text)  # an expression goes through peewee's compiler
    again.save()
    assert Note.get_by_id(note.id).text == "B"


class NotebookWithInit(Model):
    title = peewee.CharField(max_length=100)

    class Meta:
        table_name = "notes_notebook"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = True


def test_models_with_their_own_init_still_get_it(db):
    book = Notebook.create(title="init")
    fetched = NotebookWithInit.get_by_id(book.id)
    assert fetched.seen is True and fetched.title == "init" and not fetched.is_dirty()


def test_recompiles_for_another_database(db, tmp_path):
    main_id = Notebook.create(title="main").id
    other = peewee.SqliteDatabase(str(tmp_path / "other.db"))
    with other.bind_ctx([Notebook]):
        other.create_tables([Notebook])
        other_id = Notebook.create(title="elsewhere").id
        assert Notebook.get_by_id(other_id).title == "elsewhere"
        assert Notebook._meta._rustforge_get.db is other
    other.close()
    assert Notebook.get_by_id(main_id).title == "main"
    assert Notebook._meta._rustforge_get.db is get_database()


def test_database_gate_still_applies():
    with pytest.raises(DatabaseAccessBlocked):
        Notebook.get_by_id(1)


@pytest.mark.postgres_only
def test_dead_connection_is_replaced(transactional_db):
    import psycopg2

    book = Notebook.create(title="reconnect")
    pid = transactional_db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    params = transactional_db.connect_params
    killer = psycopg2.connect(dbname=transactional_db.database, **params)
    try:
        killer.autocommit = True
        killer.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        killer.close()
    assert Notebook.get_by_id(book.id).title == "reconnect"
    fetched = Notebook.get_by_id(book.id)
    fetched.title = "saved after reconnect"
    assert fetched.save() == 1


def test_setting_turns_the_fast_path_off(db, settings, sql_log):
    book = Notebook.create(title="off")
    Notebook.get_by_id(book.id)
    assert Notebook._meta._rustforge_get is not fastpath._UNSUPPORTED
    settings.DATABASE_FAST_PATH = False
    assert "_rustforge_get" not in Notebook._meta.__dict__  # the cache was dropped
    assert Notebook.get_by_id(book.id).title == "off"
    assert Notebook._meta._rustforge_get is fastpath._UNSUPPORTED
    fetched = Notebook[book.id]
    fetched.title = "still saved"
    assert fetched.save() == 1
    assert _peewee_get(Notebook, book.id).title == "still saved"


def test_select_all_matches_peewee(db, sql_log):
    for title in ("b", "a", "c"):
        Note.create(notebook=Notebook.create(title=title), text=title * 2)
    fastpath.clear_cache()
    start = len(sql_log())
    fast = list(Note.select())
    slow = list(peewee.ModelSelect(Note, Note._meta.sorted_fields, is_default=True))
    assert [n.__data__ for n in fast] == [n.__data__ for n in slow]
    assert all(type(n) is Note and not n.is_dirty() for n in fast)
    assert isinstance(fast[0].created, datetime.datetime)
    assert sql_log()[start] == sql_log()[start + 1]  # the very same SQL
    assert Note._meta._rustforge_list.sql == sql_log()[start][0]


def test_select_all_behaves_like_a_query(db):
    for title in ("x", "y", "z"):
        Notebook.create(title=title)
    query = Notebook.select()
    assert len(query) == 3
    assert query[0].title == "x" and [b.title for b in query[1:]] == ["y", "z"]
    assert [b.title for b in query] == ["x", "y", "z"]  # cached, not run again
    assert [b.title for b in Notebook.select().iterator()] == ["x", "y", "z"]
    assert Notebook.select().count() == 3
    assert Notebook.select().exists()
    assert Notebook.select().first().title == "x"
    assert [b.title for b in Notebook.select().order_by(Notebook.title.desc())] == ["z", "y", "x"]
    assert [b.title for b in Notebook.select().where(Notebook.title > "x")] == ["y", "z"]
    assert next(iter(Notebook.select().tuples()))[1] == "x"
    assert next(iter(Notebook.select().dicts()))["title"] == "x"
    assert [b.title for b in Notebook.select().limit(1)] == ["x"]
    assert [b.title for b in Notebook.select(Notebook.title)] == ["x", "y", "z"]
    narrowed = Notebook.select()
    narrowed.selected_columns = [Notebook.id]  # an in-place change: peewee's path
    assert [b.title for b in narrowed] == [None, None, None]
    nested = Notebook.select().where(Notebook.id.in_(Notebook.select(Notebook.id)))
    assert len(list(nested)) == 3
    joined = Note.select().join(Notebook).where(Notebook.title == "x")
    assert list(joined) == []


def test_select_all_off_and_on_other_databases(db, settings, tmp_path):
    Notebook.create(title="main")
    other = peewee.SqliteDatabase(str(tmp_path / "other.db"))
    with other.bind_ctx([Notebook]):
        other.create_tables([Notebook])
        Notebook.create(title="elsewhere")
        assert [b.title for b in Notebook.select()] == ["elsewhere"]
    other.close()
    assert [b.title for b in Notebook.select()] == ["main"]
    settings.DATABASE_FAST_PATH = False
    assert [b.title for b in Notebook.select()] == ["main"]
    assert Notebook._meta._rustforge_list is fastpath._UNSUPPORTED


def test_select_all_iterator_streams_and_caches_nothing(db):
    for title in ("p", "q"):
        Notebook.create(title=title)
    query = Notebook.select()
    assert [b.title for b in query.iterator()] == ["p", "q"]
    wrapper = query._cursor_wrapper
    assert wrapper.row_cache == []
    again = Notebook.select()
    assert again[1].title == "q" and again[0].title == "p" and len(again) == 2
    with pytest.raises(ValueError):
        again._cursor_wrapper.fill_cache(-1)


def test_select_all_is_what_peewee_clones_from_the_prototype(db):
    query = Notebook.select()
    proto = Notebook._meta._rustforge_proto
    cloned = peewee.ModelSelect.clone(proto)  # peewee's own chain of clone() methods
    assert type(query) is type(cloned) is fastpath.Select
    assert set(vars(query)) == set(vars(cloned)) | {"_rf_plain"}
    for name, value in vars(cloned).items():
        if name == "_hash":
            continue
        assert vars(query)[name] == value, name
        # a container peewee copies is copied, one it shares is shared
        assert (vars(query)[name] is vars(proto)[name]) == (value is vars(proto)[name]), name
    assert hash(query) == query._get_hash() != hash(proto)  # a hash of its own


def test_changes_to_one_select_never_leak_into_the_next(db):
    Notebook.create(title="only")
    plain_sql = Notebook.select().sql()
    Notebook.select().join(Note, on=(Note.notebook == Notebook.id)).where(Notebook.id > 0)
    first = Notebook.select()
    first.first()  # sets a limit in place
    narrowed = Notebook.select()
    narrowed.selected_columns = [Notebook.id]  # replaces the columns in place
    narrowed.bind(None)
    assert Notebook.select().sql() == plain_sql
    assert [b.title for b in Notebook.select()] == ["only"]
    assert Notebook.select() is not Notebook.select()


# Row to instance: the fast path builds instances without peewee's __init__,
# so every observable part of them is compared with what peewee builds.
def _peewee_all(model):
    return list(peewee.ModelSelect(model, model._meta.sorted_fields, is_default=True))


def _assert_same_instances(fast, slow):
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow):
        assert type(a) is type(b)
        assert vars(a) == vars(b)  # __data__, _dirty and __rel__, nothing else
        assert set(vars(a)) == {"__data__", "_dirty", "__rel__"}
        for name, value in b.__data__.items():
            assert type(a.__data__[name]) is type(value), name
        assert a._dirty == set() and not a.is_dirty() and a.dirty_fields == []
        assert a.__rel__ == {}
        assert a == b and hash(a) == hash(b)


def test_select_all_builds_the_instances_peewee_builds(db):
    books = [Notebook.create(title=t) for t in ("n1", "n2 <i>", "n3 \u65e5\u672c")]
    for i, book in enumerate(books):
        Note.create(notebook=book, text=f"text {i}", created=datetime.datetime(2021, 1, i + 1))
    Note.create(notebook=books[0], text="")
    fastpath.clear_cache()
    fast_notes, slow_notes = list(Note.select()), _peewee_all(Note)
    _assert_same_instances(fast_notes, slow_notes)
    _assert_same_instances(list(Notebook.select()), _peewee_all(Notebook))
    _assert_same_instances([Note.get_by_id(n.id) for n in slow_notes], slow_notes)
    note = fast_notes[0]
    assert type(note.id) is int and type(note.text) is str
    assert type(note.created) is datetime.datetime  # python_value applied
    assert note.notebook_id == books[0].id and type(note.notebook_id) is int
    assert note.created == datetime.datetime(2021, 1, 1)  # the stored value, not a default
    assert note.notebook.title == "n1"  # the foreign key loads lazily...
    assert note.__rel__ == {"notebook": note.notebook}  # ...and is cached like peewee's
    assert [n.text for n in books[1].notes] == ["text 1"]


def test_select_all_loaded_rows_save_like_peewee(db, sql_log):
    book = Notebook.create(title="round trip")
    other = Notebook.create(title="elsewhere")
    note = Note.create(notebook=book, text="before", created=datetime.datetime(2020, 5, 6))
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((sender, instance.id, created, set(instance.dirty_fields)))

    (fast,) = [n for n in Note.select() if n.id == note.id]
    fast.text = "after"
    fast.notebook = other
    assert fast._dirty == {"text", "notebook"}
    signals.post_save.connect(receiver, weak=False)
    try:
        assert fast.save() == 1
    finally:
        signals.post_save.disconnect(receiver)
    assert seen == [(Note, note.id, False, set())]
    assert not fast.is_dirty()
    sql, params = sql_log()[-1]
    assert sql.startswith('UPDATE "notes_note" SET ')
    assert "after" in params
    if params[-1] != note.id:  # psycopg2: the ints written in, as psycopg2 would
        assert sql.endswith(f'"id" = {note.id})') and f'"notebook_id" = {other.id}' in sql
    else:
        assert other.id in params
    (again,) = [n for n in _peewee_all(Note) if n.id == note.id]
    assert (again.text, again.notebook_id, again.created) == (
        "after", other.id, datetime.datetime(2020, 5, 6))
    fast.delete_instance()
    assert not Note.select().where(Note.id == note.id).exists()


class _Upper(peewee.CharField):
    def python_value(self, value):
        return None if value is None else value.upper()


class _Doubled(peewee.IntegerField):
    def adapt(self, value):
        return int(value) * 2


_default_calls = []


def _counted_default():
    _default_calls.append(1)
    return "default"


class NotebookConverted(Model):
    """notes_notebook read through fields whose conversions must run."""

    id = _Doubled(primary_key=True)
    title = _Upper(max_length=100, default=_counted_default)

    class Meta:
        table_name = "notes_notebook"


def test_select_all_runs_custom_conversions_and_no_defaults(db):
    Notebook.create(title="mixed Case")
    fastpath.clear_cache(NotebookConverted)
    _default_calls.clear()
    fast, slow = list(NotebookConverted.select()), _peewee_all(NotebookConverted)
    assert [b.title for b in fast] == ["MIXED CASE"]
    _assert_same_instances(fast, slow)
    assert fast[0].id % 2 == 0
    assert _default_calls == []  # defaults are never applied to loaded rows
    assert conversions.identity_types(NotebookConverted.title) == ()
    assert conversions.identity_types(NotebookConverted.id) == ()
    assert conversions.identity_types(Notebook.title) == (str,)
    assert conversions.identity_types(Note.notebook) == (int,)
    assert conversions.identity_types(Note.created) == (datetime.datetime,)


def test_converters_parse_what_the_driver_gives_as_text():
    """A datetime stored as text (SQLite) is parsed; a datetime, an int and a
    str the driver already gives are passed on as they are."""
    when = datetime.datetime(2024, 2, 29, 12, 30)
    convert = conversions.compile_converter([Note.id, Note.text, Note.created, peewee.SQL("1")])
    assert convert((3, "x", "2024-02-29 12:30:00", 7)) == (3, "x", when, 7)
    assert convert((3, "x", when, None)) == (3, "x", when, None)
    assert convert((None, None, None, None)) == (None, None, None, None)
    assert convert(("4", "y", when, 1))[0] == 4  # not an exact int: converted
    flag = peewee.BooleanField()
    assert conversions.identity_types(flag) == (bool,)
    assert conversions.compile_converter([flag])((1,)) == (True,)


class NotebookWithSetattr(Model):
    title = peewee.CharField(max_length=100)

    class Meta:
        table_name = "notes_notebook"

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name == "title":
            super().__setattr__("touched", True)


def test_models_with_their_own_setattr_are_built_by_peewee(db):
    Notebook.create(title="setattr")
    assert not fastpath.RowBuilder(NotebookWithSetattr).plain
    assert fastpath.RowBuilder(Notebook).plain
    (fast,) = list(NotebookWithSetattr.select())
    assert fast.touched is True and fast.title == "setattr" and not fast.is_dirty()
    (fast,) = list(NotebookWithInit.select())
    assert fast.seen is True


def test_instance_builder_matches_peewee_construction(db):
    book = Notebook.create(title="built")
    values = (book.id, "built")
    for model in (Notebook, NotebookWithSetattr):  # by hand, then through __init__
        built = conversions.instance_builder(model)(values)
        slow = model(__no_default__=1, id=book.id, title="built")
        slow._dirty.clear()
        assert type(built) is model and built.__data__ == slow.__data__
        assert not built.is_dirty() and built.__rel__ == {}
        built.title = "changed"
        assert built.save() == 1 and built.dirty_fields == []
    assert Notebook.get_by_id(book.id).title == "changed"


def test_a_fields_own_db_value_is_skipped_only_for_the_type_it_keeps():
    assert conversions.converter_slot(0, Note.notebook.db_value).kept is int
    assert conversions.converter_slot(1, Note.text.db_value) == (1, Note.text.db_value, str)
    assert conversions.converter_slot(0, NotebookConverted.id.db_value).kept is None  # adapt
    assert conversions.converter_slot(0, str).kept is None
    field = peewee.IntegerField()
    field.db_value = lambda value: value + 1  # an instance's own conversion is always called
    assert conversions.converter_slot(0, field.db_value).kept is None
    statement = conversions.compile_statement(_Psycopg2(), "a = %s AND b = %s", [
        conversions.converter_slot(0, field.db_value), "k"])
    assert statement([4]) == ("a = 5 AND b = %s", ["k"])  # a constant stays a parameter


def test_rows_built_together_are_the_rows_built_one_by_one(db):
    """``build_all`` (one frame for every row of a list) builds what ``build``
    builds row by row: conversions run or are skipped alike, None stays None,
    and a model peewee must build goes through its ``__init__`` in both."""
    when = datetime.datetime(2022, 3, 4, 5, 6)
    raw_notes = [(1, 7, "<b>", when), (2, None, None, None), (3, 8, "", "2022-03-04 05:06:00")]
    for model, raw in ((Note, raw_notes), (NotebookConverted, [(1, "a"), (2, None)]),
                       (NotebookWithSetattr, [(1, "t")]), (Notebook, [])):
        rows = fastpath.RowBuilder(model)
        together = rows.build_all(raw)
        one_by_one = [rows.build(row) for row in raw]
        assert type(together) is list and len(together) == len(one_by_one)
        for a, b in zip(together, one_by_one):
            assert type(a) is type(b) and vars(a) == vars(b) and not a.is_dirty()
            assert [type(v) for v in a.__data__.values()] == [
                type(v) for v in b.__data__.values()]
    assert Note.select().__class__ is fastpath.Select
    with pytest.raises(ValueError):
        fastpath.RowBuilder(Notebook).build_all([(1, "too", "long")])


def test_select_all_lengths_and_truth_like_peewee(db):
    assert list(Notebook.select()) == [] and len(Notebook.select()) == 0
    assert not Notebook.select()
    Notebook.create(title="one")
    query = Notebook.select()
    assert len(query) == 1 and query and len(list(query)) == 1 and query[0].title == "one"
    assert [b.title for b in query] == ["one"] and query.count() == 1
