"""The migration machinery in-process: history, graph, executor, SQL capture.

These use databases of their own (a SQLite file in tmp_path, or a throwaway
PostgreSQL schema), never the project's test database.
"""

from __future__ import annotations

import peewee
import pytest
from _migration_helpers import write

from rustforge.db.migrations import (
    InconsistentHistory,
    MigrationGraph,
    UnknownMigration,
    pending,
)
from rustforge.db.migrations.executor import Executor
from rustforge.db.migrations.history import TABLE, History
from rustforge.db.migrations.sql import inline_params, migration_sql, schema_sql

CREATE_POST = """
    import peewee as pw


    def migrate(migrator, database, *, fake=False):
        @migrator.create_model
        class Post(pw.Model):
            title = pw.CharField(max_length=100)

            class Meta:
                table_name = "blog_post"
                legacy_table_names = False


    def rollback(migrator, database, *, fake=False):
        migrator.remove_model("blog_post")
"""

CREATE_COMMENT = """
    import peewee as pw


    def migrate(migrator, database, *, fake=False):
        @migrator.create_model
        class Comment(pw.Model):
            post = pw.ForeignKeyField(migrator.orm["blog_post"], on_delete="CASCADE")
            text = pw.TextField()

            class Meta:
                table_name = "blog_comment"
                legacy_table_names = False


    def rollback(migrator, database, *, fake=False):
        migrator.remove_model("blog_comment")
"""


@pytest.fixture
def sqlite_db(tmp_path):
    db = peewee.SqliteDatabase(str(tmp_path / "m.sqlite3"), pragmas={"foreign_keys": 1})
    yield db
    db.close()


def test_history_keys_rows_by_app_and_name_and_reading_creates_nothing(sqlite_db):
    history = History(sqlite_db)
    assert history.applied() == {}
    assert TABLE not in sqlite_db.get_tables(), "reading the history must not create it"
    history.ensure()
    history.record("blog", "001_initial")
    history.record("shop", "001_initial")
    assert set(history.applied()) == {("blog", "001_initial"), ("shop", "001_initial")}
    history.forget("shop", "001_initial")
    assert set(history.applied()) == {("blog", "001_initial")}
    with pytest.raises(peewee.IntegrityError):
        history.record("blog", "001_initial")


def test_two_histories_on_two_databases_do_not_share_state(tmp_path):
    one = peewee.SqliteDatabase(str(tmp_path / "one.sqlite3"))
    two = peewee.SqliteDatabase(str(tmp_path / "two.sqlite3"))
    History(one).ensure()
    History(one).record("blog", "001_initial")
    assert History(two).applied() == {}
    assert History(one).model._meta.database is one


def test_plan_follows_dependencies_across_apps_and_finds_by_prefix(tmp_path):
    write(tmp_path / "shop" / "001_initial.py", """
        dependencies = [("blog", "002_more")]
    """)
    write(tmp_path / "blog" / "001_initial.py", "")
    write(tmp_path / "blog" / "002_more.py", "")
    write(tmp_path / "blog" / "003_last.py", "")
    write(tmp_path / "blog" / "notes.txt", "not a migration")
    graph = MigrationGraph({"shop": tmp_path / "shop", "blog": tmp_path / "blog"})
    assert [str(m) for m in graph.plan()] == [
        "blog.001_initial", "blog.002_more", "shop.001_initial", "blog.003_last"]
    assert graph.find("blog", "002").name == "002_more"
    assert [str(m) for m in graph.descendants(graph.find("blog", "002_more"))] == [
        "blog.002_more", "shop.001_initial", "blog.003_last"]
    with pytest.raises(UnknownMigration, match="did you mean '002_more'"):
        graph.find("blog", "002_mroe")
    with pytest.raises(UnknownMigration, match="matches several"):
        graph.find("blog", "00")


def test_dependency_errors_are_clear(tmp_path):
    write(tmp_path / "a" / "001_initial.py", 'dependencies = ["b.001_initial"]\n')
    write(tmp_path / "b" / "001_initial.py", 'dependencies = [("a", "001_initial")]\n')
    with pytest.raises(InconsistentHistory, match="cycle: a.001_initial -> b.001_initial"):
        MigrationGraph({"a": tmp_path / "a", "b": tmp_path / "b"})
    with pytest.raises(InconsistentHistory, match="app 'b' is not installed"):
        MigrationGraph({"a": tmp_path / "a"})


def test_sqlite_table_rebuild_never_cascades_into_child_rows(tmp_path, sqlite_db):
    """Altering a column on SQLite rebuilds the table; with foreign keys on,
    dropping the old table would delete every comment through ON DELETE CASCADE."""
    folder = tmp_path / "blog"
    write(folder / "001_initial.py", CREATE_POST)
    write(folder / "002_comment.py", CREATE_COMMENT)
    write(folder / "003_longer_title.py", """
        import peewee as pw


        def migrate(migrator, database, *, fake=False):
            migrator.change_fields("blog_post", title=pw.CharField(max_length=300))


        def rollback(migrator, database, *, fake=False):
            migrator.change_fields("blog_post", title=pw.CharField(max_length=100))
    """)
    executor = Executor(sqlite_db, MigrationGraph({"blog": folder}))
    executor.history.ensure()
    executor.run(executor.plan("blog", "002"))
    sqlite_db.execute_sql("INSERT INTO blog_post (id, title) VALUES (1, 'p')")
    sqlite_db.execute_sql("INSERT INTO blog_comment (post_id, text) VALUES (1, 'c')")
    executor.run(executor.plan())
    assert "VARCHAR(300)" in sqlite_db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'blog_post'").fetchone()[0]
    assert sqlite_db.execute_sql("SELECT count(*) FROM blog_comment").fetchone()[0] == 1
    assert sqlite_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    executor.run(executor.plan("blog", "002"))
    assert sqlite_db.execute_sql("SELECT count(*) FROM blog_comment").fetchone()[0] == 1


def test_sql_capture_runs_nothing_on_the_real_database(tmp_path):
    folder = tmp_path / "blog"
    write(folder / "001_initial.py", CREATE_POST)
    write(folder / "002_comment.py", CREATE_COMMENT.replace(
        '    def rollback', '        migrator.run(print, "data step")\n\n\n    def rollback'))
    graph = MigrationGraph({"blog": folder})
    statements = migration_sql(graph, graph.find("blog", "002"))
    assert statements[0].startswith('CREATE TABLE IF NOT EXISTS "blog_comment"')
    assert 'REFERENCES "blog_post" ("id") ON DELETE CASCADE' in statements[0]
    assert statements[-1] == "-- Python operation print() runs here (not shown)"
    assert migration_sql(graph, graph.find("blog", "002"), backwards=True) == [
        'DROP TABLE "blog_comment";']
    per_migration = schema_sql(graph)
    assert [str(m) for m, _ in per_migration] == ["blog.001_initial", "blog.002_comment"]


def test_inline_params_quotes_values_but_not_placeholders_in_strings():
    assert inline_params("UPDATE t SET a = ?, b = '?' WHERE c = ?", ["it's", None], "?") == \
        "UPDATE t SET a = 'it''s', b = '?' WHERE c = NULL"
    assert inline_params("SET DEFAULT %s", [True], "%s") == "SET DEFAULT TRUE"


def test_test_database_is_built_by_migrate_all(db):
    """The test plugin builds its schema with migrate_all(): every migration
    of the installed apps is recorded, and tables of the others exist."""
    from rustforge.apps import apps

    applied = History(db).applied()
    graph = MigrationGraph.from_apps(apps.get_app_configs())
    assert {m.key for m in graph.plan()} <= set(applied)
    assert pending() == []
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in apps.get_models()} <= tables


def test_models_of_the_same_class_name_in_two_apps(tmp_path, sqlite_db):
    """peewee-migrate's ORM keys models by class name too; blog.Post and
    shop.Post must not evict each other when one is removed."""
    write(tmp_path / "blog" / "001_initial.py", CREATE_POST)
    write(tmp_path / "shop" / "001_initial.py", '    dependencies = [("blog", "001_initial")]\n'
          + CREATE_POST.replace("blog_post", "shop_post"))
    graph = MigrationGraph({"blog": tmp_path / "blog", "shop": tmp_path / "shop"})
    executor = Executor(sqlite_db, graph)
    executor.history.ensure()
    executor.run(executor.plan())
    assert {"blog_post", "shop_post"} <= set(sqlite_db.get_tables())
    executor.run(executor.plan("blog", "zero"))
    assert not {"blog_post", "shop_post"} & set(sqlite_db.get_tables())
    assert executor.history.applied() == {}
