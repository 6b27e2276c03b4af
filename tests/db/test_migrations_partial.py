"""Migrations of soft-deletable models (partial unique indexes) and DecimalFields,
in real subprocesses on a generated project (SQLite, or PostgreSQL when
RUSTFORGE_TEST_DATABASE_URL names one); plus the test project's own migrations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import peewee
import pytest
from _migration_helpers import Database, Project, write

from rustforge.db.migrations.autodetect import diff_models

TESTS = Path(__file__).resolve().parent.parent

POST_V1 = """
    from peewee import CharField

    from rustforge.db import SoftDeleteModel


    class Post(SoftDeleteModel):
        slug = CharField(max_length=80, unique=True)
        title = CharField(max_length=200, default="")
"""

# A live-unique group with a new field; slug is no longer unique.
POST_V2 = """
    from peewee import CharField

    from rustforge.db import SoftDeleteModel


    class Post(SoftDeleteModel):
        slug = CharField(max_length=80)
        title = CharField(max_length=200, default="")
        lang = CharField(max_length=5, default="en")

        class Meta:
            live_unique = [("title", "lang")]
"""

# The field the group covers is removed, and with it the group.
POST_V3 = """
    from peewee import CharField

    from rustforge.db import SoftDeleteModel


    class Post(SoftDeleteModel):
        slug = CharField(max_length=80)
        title = CharField(max_length=200, default="")
"""

INSERT = "INSERT INTO blog_post (slug, title, deleted_at) VALUES (?, ?, ?)"
INSERT_LANG = "INSERT INTO blog_post (slug, title, lang, deleted_at) VALUES (?, ?, ?, ?)"
GONE = "2026-01-01 00:00:00"


@pytest.fixture
def project(tmp_path, test_database_url, rustforge_bin):
    db = Database(test_database_url, tmp_path)
    root = tmp_path / "site"
    created = subprocess.run([rustforge_bin, "startproject", "mysite", str(root)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert created.returncode == 0, created.stderr
    yield Project(root, db)
    db.drop()


def _is_partial(definition: str) -> bool:
    return "WHERE" in definition.upper() and "deleted_at" in definition


@pytest.mark.slow
def test_soft_delete_model_lifecycle_with_live_unique_indexes(project):
    db = project.db
    project.startapp("blog", POST_V1)
    out = project.ok("makemigrations", "blog")
    assert "add partial unique index on blog_post (slug)" in out
    initial = (project.root / "blog" / "migrations" / "001_initial.py").read_text()
    assert "<peewee" not in initial and "ModelIndex" not in initial
    assert "migrator.add_index('blog_post', 'slug', unique=True, where=" in initial
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."

    project.ok("migrate")
    indexes = db.index_sql("blog_post")
    assert _is_partial(indexes["blog_post_slug"]), indexes
    assert "UNIQUE" in indexes["blog_post_slug"].upper()
    assert not db.rejects(INSERT, ("a", "first", None))
    assert db.rejects(INSERT, ("a", "second", None)), "two live rows with one slug"
    assert not db.rejects(INSERT, ("a", "deleted", GONE)), "a deleted row frees its slug"
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."

    # A new live-unique group and a slug that stops being unique.
    write(project.root / "blog" / "models.py", POST_V2)
    check = project.run("makemigrations", "--check")
    assert check.returncode == 1
    assert "add partial unique index on blog_post (title, lang)" in check.stdout
    assert "drop index on blog_post (slug)" in check.stdout
    project.ok("makemigrations", "blog", "--name", "lang")
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."
    project.ok("migrate")
    indexes = db.index_sql("blog_post")
    assert "blog_post_slug" not in indexes
    assert _is_partial(indexes["blog_post_title_lang"]), indexes
    assert not db.rejects(INSERT_LANG, ("a", "t", "en", None)), "slug is not unique any more"
    assert db.rejects(INSERT_LANG, ("b", "t", "en", None))
    assert not db.rejects(INSERT_LANG, ("c", "t", "de", None))

    # Removing the covered field drops the group's index first.
    write(project.root / "blog" / "models.py", POST_V3)
    project.ok("makemigrations", "blog", "--name", "no_lang")
    third = (project.root / "blog" / "migrations" / "003_no_lang.py").read_text()
    forward = third.split("def rollback")[0]
    assert forward.index("drop_index('blog_post', 'title', 'lang')") < forward.index(
        "remove_fields('blog_post', 'lang')")
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."
    project.ok("migrate")
    assert "blog_post_title_lang" not in db.index_sql("blog_post")
    assert "lang" not in db.columns("blog_post")

    # Rolling back restores each step's indexes, partial where they were.
    db.query("DELETE FROM blog_post")
    project.ok("migrate", "blog", "002")
    assert _is_partial(db.index_sql("blog_post")["blog_post_title_lang"])
    project.ok("migrate", "blog", "001")
    indexes = db.index_sql("blog_post")
    assert set(indexes) == {"blog_post_slug", "blog_post_deleted_at"}
    assert _is_partial(indexes["blog_post_slug"])
    project.ok("migrate", "blog", "zero")
    assert "blog_post" not in db.tables()
    project.ok("migrate")
    assert set(db.index_sql("blog_post")) == {"blog_post_deleted_at"}


@pytest.mark.slow
def test_plain_model_becomes_soft_deletable_and_back(project):
    db = project.db
    project.startapp("crm", """
        from peewee import CharField

        from rustforge.db import Model


        class Contact(Model):
            email = CharField(max_length=254, unique=True)
    """)
    project.ok("makemigrations", "crm")
    project.ok("migrate")
    db.query("INSERT INTO crm_contact (email) VALUES ('kept@example.com')")
    assert not _is_partial(db.index_sql("crm_contact")["crm_contact_email"])

    write(project.root / "crm" / "models.py", """
        from peewee import CharField

        from rustforge.db import SoftDeleteModel


        class Contact(SoftDeleteModel):
            email = CharField(max_length=254, unique=True)
    """)
    out = project.ok("makemigrations", "crm", "--name", "soft")
    assert "add field deleted_at to crm_contact" in out
    assert "add partial unique index on crm_contact (email)" in out
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."
    project.ok("migrate")
    assert _is_partial(db.index_sql("crm_contact")["crm_contact_email"])
    assert db.query("SELECT email, deleted_at FROM crm_contact") == [("kept@example.com", None)]
    insert = "INSERT INTO crm_contact (email, deleted_at) VALUES (?, ?)"
    assert not db.rejects(insert, ("kept@example.com", GONE))

    # A column change rebuilds the table on SQLite: the index stays partial.
    write(project.root / "crm" / "models.py", """
        from peewee import CharField

        from rustforge.db import SoftDeleteModel


        class Contact(SoftDeleteModel):
            email = CharField(max_length=320, unique=True)
    """)
    assert "change field email of crm_contact" in project.ok("makemigrations", "crm")
    project.ok("migrate")
    assert _is_partial(db.index_sql("crm_contact")["crm_contact_email"])
    assert db.rejects(insert, ("kept@example.com", None))
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."

    db.query("DELETE FROM crm_contact WHERE deleted_at IS NOT NULL")
    project.ok("migrate", "crm", "001")
    definition = db.index_sql("crm_contact")["crm_contact_email"]
    assert "UNIQUE" in definition.upper() and not _is_partial(definition)
    assert db.columns("crm_contact") == {"id", "email"}
    assert db.query("SELECT email FROM crm_contact") == [("kept@example.com",)]


@pytest.mark.slow
def test_decimal_fields_round_trip_through_a_migration(project):
    db = project.db
    project.startapp("books", """
        import decimal

        from peewee import DecimalField

        from rustforge.db import Model


        class Price(Model):
            amount = DecimalField(max_digits=8, decimal_places=2)
            rate = DecimalField(max_digits=6, decimal_places=3, auto_round=True,
                                rounding=decimal.ROUND_HALF_UP, null=True)
    """)
    project.ok("makemigrations", "books")
    code = (project.root / "books" / "migrations" / "001_initial.py").read_text()
    assert "rounding='ROUND_HALF_UP'" in code and "rounding='ROUND_HALF_EVEN'" in code
    compile(code, "001_initial.py", "exec")
    # Replaying the file (which --check does) needs every name it uses.
    assert project.ok("makemigrations", "--check").strip() == "No changes detected."
    project.ok("migrate")
    db.query("INSERT INTO books_price (amount, rate) VALUES (12.5, 0.125)")
    assert db.columns("books_price") == {"id", "amount", "rate"}


def test_changed_where_clause_is_a_change():
    """Same columns, same name, another WHERE: dropped and created again."""

    def shelf(where):
        class Shelf(peewee.Model):
            name = peewee.CharField()
            deleted_at = peewee.DateTimeField(null=True)
            archived = peewee.BooleanField(default=False)

            class Meta:
                table_name = "shop_shelf"
                legacy_table_names = False

        Shelf.add_index(Shelf.name, unique=True, where=where(Shelf))
        return Shelf

    live = shelf(lambda m: m.deleted_at.is_null(True))
    also_archived = shelf(lambda m: m.deleted_at.is_null(True) & (m.archived == False))
    assert diff_models([live], [shelf(lambda m: m.deleted_at.is_null(True))]) == []
    changes = diff_models([also_archived], [live])
    assert changes[0] == "migrator.drop_index('shop_shelf', 'name')"
    assert changes[1].startswith("migrator.add_index('shop_shelf', 'name', unique=True, where=")
    assert changes[1].endswith('where=\'("deleted_at" IS NULL) AND ("archived" = FALSE)\')')


def test_test_project_has_a_migration_for_every_model_change(run_cli, rustforge_bin):
    env = {"RUSTFORGE_SETTINGS_MODULE": "testproject.settings", "PYTHONPATH": str(TESTS)}
    result = run_cli([rustforge_bin, "makemigrations", "--check"], cwd=TESTS, env=env,
                     timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No changes detected."
    # Every test-project app is migrated or has no migrations folder at all.
    for folder in (TESTS / "testproject").glob("*/migrations"):
        assert list(folder.glob("[0-9]*_*.py")), f"{folder.parent.name}: empty migrations folder"


def test_index_with_its_own_name_keeps_it():
    def book(named):
        class Book(peewee.Model):
            title = peewee.CharField()
            year = peewee.IntegerField()

            class Meta:
                table_name = "shop_book"
                legacy_table_names = False

        if named:
            Book.add_index(Book.title, Book.year, name="book_by_title")
        return Book

    plain = book(named=False)
    changes = diff_models([book(named=True)], [plain])
    assert changes == [("migrator.add_index('shop_book', 'title', 'year', unique=False, "
                        "name='book_by_title')")]
    assert diff_models([plain], [book(named=True)]) == [
        "migrator.drop_index('shop_book', 'title', 'year')"]


def test_replayed_migration_state_matches_the_models(tmp_path):
    """A migration that creates a model and its partial/named indexes replays
    to a state with no differences; dropping them leaves none behind."""
    from rustforge.db.migrations.loader import Migration
    from rustforge.db.migrations.state import ProjectState

    write(tmp_path / "001_initial.py", """
        import peewee as pw


        def migrate(migrator, database, *, fake=False):
            @migrator.create_model
            class Shelf(pw.Model):
                name = pw.CharField()
                year = pw.IntegerField()
                deleted_at = pw.DateTimeField(null=True)

                class Meta:
                    table_name = "shop_shelf"
                    legacy_table_names = False

            migrator.add_index('shop_shelf', 'name', unique=True, where='"deleted_at" IS NULL')
            migrator.add_index('shop_shelf', 'name', 'year', unique=False, name='shelf_by_year')
    """)
    write(tmp_path / "002_drop.py", """
        def migrate(migrator, database, *, fake=False):
            migrator.drop_index('shop_shelf', 'name')
            migrator.remove_fields('shop_shelf', 'year')
    """)

    class Shelf(peewee.Model):
        name = peewee.CharField()
        year = peewee.IntegerField()
        deleted_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "shop_shelf"
            legacy_table_names = False

    Shelf.add_index(Shelf.name, unique=True, where=Shelf.deleted_at.is_null(True))
    Shelf.add_index(Shelf.name, Shelf.year, name="shelf_by_year")

    state = ProjectState(peewee.SqliteDatabase(":memory:"))
    state.replay(Migration("shop", "001_initial", tmp_path / "001_initial.py"))
    assert diff_models([Shelf], state.models_of("shop")) == []
    state.replay(Migration("shop", "002_drop", tmp_path / "002_drop.py"))
    (replayed,) = state.models_of("shop")
    assert [i._name for i in replayed._meta.fields_to_index()] == []


def test_hand_written_partial_index_by_column_name_and_unknown_field(tmp_path):
    from rustforge.db.migrations.errors import MigrationError
    from rustforge.db.migrations.loader import Migration
    from rustforge.db.migrations.state import ProjectState

    base = """
        import peewee as pw


        def migrate(migrator, database, *, fake=False):
            @migrator.create_model
            class Author(pw.Model):
                class Meta:
                    table_name = "shop_author"

            @migrator.create_model
            class Slot(pw.Model):
                author = pw.ForeignKeyField(migrator.orm["shop_author"])
                deleted_at = pw.DateTimeField(null=True)

                class Meta:
                    table_name = "shop_slot"
                    legacy_table_names = False

            migrator.add_index("shop_slot", "{column}", unique=True, where='"deleted_at" IS NULL')
    """
    write(tmp_path / "001_ok.py", base.replace("{column}", "author_id"))
    write(tmp_path / "001_bad.py", base.replace("{column}", "writer"))
    state = ProjectState(peewee.SqliteDatabase(":memory:"))
    state.replay(Migration("shop", "001_ok", tmp_path / "001_ok.py"))
    slot = state.orm["shop_slot"]
    (index,) = [i for i in slot._meta.indexes if isinstance(i, peewee.ModelIndex)]
    assert index._name == "shop_slot_author_id"
    with pytest.raises(MigrationError, match="shop_slot has no field 'writer' to index"):
        ProjectState(peewee.SqliteDatabase(":memory:")).replay(
            Migration("shop", "001_bad", tmp_path / "001_bad.py"))
