"""SoftDeleteModel on the test database (SQLite by default, PostgreSQL with
RUSTFORGE_TEST_DATABASE_URL): scopes, restore, force delete, partial unique
indexes, cascade, and the prune command."""

import datetime as dt

import peewee
import pytest
from click.testing import CliRunner
from testproject.shop.models import Shelf, Slot

from rustforge.db.softdelete import RestoreConflict
from rustforge.events import signals
from rustforge.management.commands.prune import command as prune
from rustforge.management.commands.prune import parse_period


def test_delete_hides_the_row_from_default_queries(db):
    keep, gone = Shelf.create(name="keep"), Shelf.create(name="gone")
    assert gone.delete_instance() == 1
    assert gone.is_deleted and gone.deleted_at is not None
    assert [s.name for s in Shelf.select()] == ["keep"]
    assert Shelf.get_or_none(Shelf.id == gone.id) is None
    with pytest.raises(Shelf.DoesNotExist):
        Shelf.get_by_id(gone.id)
    assert Shelf.select().count() == 1
    assert {s.name for s in Shelf.with_deleted()} == {"keep", "gone"}
    assert [s.name for s in Shelf.only_deleted()] == ["gone"]
    # The row is still there, marked.
    row = Shelf.with_deleted().where(Shelf.id == gone.id).get()
    assert row.deleted_at is not None
    assert keep.is_deleted is False
    assert gone.delete_instance() == 0  # deleting twice is a no-op


def test_restore_and_force_delete(db):
    shelf = Shelf.create(name="s")
    shelf.delete_instance()
    assert shelf.restore() == 1
    assert not shelf.is_deleted
    assert Shelf.get_by_id(shelf.id).name == "s"
    shelf.force_delete()
    assert Shelf.with_deleted().where(Shelf.id == shelf.id).count() == 0


def test_unique_value_can_be_reused_after_a_soft_delete(db):
    first = Shelf.create(name="dup")
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Shelf.create(name="dup")  # live duplicate: refused by the database
    first.delete_instance()
    second = Shelf.create(name="dup")  # same value, live again
    assert Shelf.get(Shelf.name == "dup").id == second.id
    second.delete_instance()
    third = Shelf.create(name="dup")  # several deleted rows may share it
    assert Shelf.with_deleted().where(Shelf.name == "dup").count() == 3
    with pytest.raises(RestoreConflict, match="name"):
        first.restore()
    assert third.is_deleted is False


def test_composite_live_unique(db):
    shelf = Shelf.create(name="x")
    slot = Slot.create(shelf=shelf, label="A1")
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Slot.create(shelf=shelf, label="A1")
    slot.delete_instance()
    Slot.create(shelf=shelf, label="A1")
    assert Slot._meta.live_unique == [("shelf", "label")]


def test_partial_unique_indexes_exist_in_the_database(db):
    if db.vendor == "postgresql":
        rows = db.execute_sql("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                              (Shelf._meta.table_name,)).fetchall()
    else:
        rows = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                              "tbl_name = ?", (Shelf._meta.table_name,)).fetchall()
    unique = [r[0] for r in rows if r[0] and "UNIQUE" in r[0].upper() and "name" in r[0]]
    assert len(unique) == 1, rows
    assert "deleted_at" in unique[0] and "IS NULL" in unique[0].upper()
    assert Shelf._meta.fields["name"].unique is False  # no full constraint left


def test_backrefs_and_joins_see_live_rows(db):
    shelf = Shelf.create(name="b")
    a, b = Slot.create(shelf=shelf, label="a"), Slot.create(shelf=shelf, label="b")
    b.delete_instance()
    assert [s.label for s in shelf.slots] == ["a"]
    assert a.shelf.name == "b"


def test_cascade_and_restore_bring_back_only_what_went_together(db):
    shelf = Shelf.create(name="c")
    early = Slot.create(shelf=shelf, label="early")
    early.delete_instance()
    Slot.update(deleted_at=dt.datetime(2000, 1, 1)).where(Slot.id == early.id).execute()
    kept = [Slot.create(shelf=shelf, label=f"k{i}") for i in range(3)]
    shelf.delete_instance()
    assert Slot.select().where(Slot.shelf == shelf.id).count() == 0
    assert Slot.only_deleted().where(Slot.shelf == shelf.id).count() == 4
    shelf.restore()
    assert sorted(s.label for s in Slot.select().where(Slot.shelf == shelf.id)) == \
        sorted(s.label for s in kept)
    assert Slot.with_deleted().where(Slot.id == early.id).get().is_deleted


def test_query_level_soft_delete(db):
    for name in ("q1", "q2", "q3"):
        Shelf.create(name=name, room="attic" if name != "q3" else "hall")
    assert Shelf.soft_delete().where(Shelf.room == "attic").execute() == 2
    assert [s.name for s in Shelf.select()] == ["q3"]


def test_signals_say_soft(db):
    seen = []

    def receiver(sender, signal, instance, **kwargs):
        seen.append((signal.name, instance.name, kwargs.get("soft")))

    signals.pre_delete.connect(receiver)
    signals.post_delete.connect(receiver)
    try:
        Shelf.create(name="sig").delete_instance()
    finally:
        signals.pre_delete.disconnect(receiver)
        signals.post_delete.disconnect(receiver)
    assert [s[2] for s in seen] == [True, True]


@pytest.mark.parametrize("text,expected", [("30d", dt.timedelta(days=30)),
                                           ("12h", dt.timedelta(hours=12)),
                                           ("2w", dt.timedelta(weeks=2)),
                                           ("90s", dt.timedelta(seconds=90))])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


def _age(model, row, days):
    model.update(deleted_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)).where(
        model.id == row.id).execute()


def test_prune_deletes_only_rows_deleted_long_ago(db):
    old, recent, live = (Shelf.create(name=n) for n in ("old", "recent", "live"))
    old_slot = Slot.create(shelf=old, label="s")
    for row in (old, recent):
        row.delete_instance()
    _age(Shelf, old, 40)
    _age(Slot, old_slot, 40)
    _age(Shelf, recent, 3)
    runner = CliRunner()
    result = runner.invoke(prune, ["--older-than", "30d", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{Shelf._meta.table_name}: 1 row(s) would be pruned" in result.output
    assert Shelf.with_deleted().count() == 3
    result = runner.invoke(prune, [])  # SOFT_DELETE_RETENTION: 30d
    assert result.exit_code == 0, result.output
    assert f"{Shelf._meta.table_name}: pruned 1 row(s)" in result.output
    assert {s.name for s in Shelf.with_deleted()} == {"recent", "live"}
    assert Slot.with_deleted().where(Slot.id == old_slot.id).count() == 0
    result = runner.invoke(prune, ["--older-than", "1d", "--model", "shop.Shelf"])
    assert result.exit_code == 0, result.output
    assert {s.name for s in Shelf.with_deleted()} == {"live"}
    assert live.is_deleted is False


@pytest.mark.parametrize("args,message", [
    (["--older-than", "soon"], "invalid period 'soon'"),
    (["--model", "shop.Book"], "not a SoftDeleteModel"),
    (["--model", "shop.Nope"], "--model shop.Nope"),
])
def test_prune_errors_are_one_line(db, args, message):
    result = CliRunner().invoke(prune, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_live_unique_sql_for_migrations(db):
    from rustforge.db.softdelete import live_unique_sql

    statements = live_unique_sql(Slot, db)
    assert len(statements) == 1
    _, create, drop = statements[0]
    assert "WHERE" in create and '"deleted_at" IS NULL' in create
    db.execute_sql(drop)
    shelf = Shelf.create(name="m")
    Slot.create(shelf=shelf, label="x")
    Slot.create(shelf=shelf, label="x")  # no index: duplicates slip in
    Slot.delete().where(Slot.shelf == shelf.id).execute()
    db.execute_sql(create)  # what a migration runs
    Slot.create(shelf=shelf, label="x")
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Slot.create(shelf=shelf, label="x")


def test_subclasses_keep_live_unique_constraints(db):
    from peewee import CharField, IntegerField

    from rustforge.db import SoftDeleteModel

    class Document(SoftDeleteModel):
        slug = CharField(max_length=20, unique=True)
        owner = IntegerField()

        class Meta:
            live_unique = [("owner", "slug")]
            table_name = "softdelete_test_document"

    class Memo(Document):
        class Meta:
            table_name = "softdelete_test_memo"

    assert set(Memo._meta.live_unique) == {("slug",), ("owner", "slug")}
    db.create_tables([Document, Memo])
    memo = Memo.create(slug="a", owner=1)
    memo.delete_instance()
    Memo.create(slug="a", owner=1)
    with pytest.raises(peewee.IntegrityError), db.atomic():
        Memo.create(slug="a", owner=2)
