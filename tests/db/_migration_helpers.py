"""Helpers of the migration tests: a generated project and a look at its database.

The database is inspected over a connection of its own (sqlite3 or psycopg2),
never through the framework under test.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

PYTHON = sys.executable


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


class Database:
    """The database a generated project uses, for assertions."""

    def __init__(self, base_url: str, tmp_path: Path) -> None:
        self.vendor = "sqlite" if base_url.startswith("sqlite") else "postgresql"
        if self.vendor == "sqlite":
            self.path = tmp_path / "project.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.schema = None
        else:
            # A schema of its own per test: runs never see each other's tables.
            self.base_url = base_url.split("?", 1)[0]
            self.schema = f"mig_{secrets.token_hex(4)}"
            self._pg(f'CREATE SCHEMA "{self.schema}"')
            self.url = f"{self.base_url}?options=-csearch_path%3D{self.schema}"

    def _pg_connect(self):
        import psycopg2

        parts = urlsplit(self.base_url)
        conn = psycopg2.connect(dbname=parts.path.lstrip("/"), host=parts.hostname,
                                port=parts.port or 5432, user=parts.username,
                                password=parts.password)
        conn.autocommit = True
        return conn

    def _pg(self, sql: str, params=()):
        conn = self._pg_connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.vendor == "sqlite":
            if not self.path.exists():
                return []
            conn = sqlite3.connect(self.path)
            try:
                rows = conn.execute(sql, params).fetchall()
                conn.commit()
                return rows
            finally:
                conn.close()
        return self._pg(f'SET search_path TO "{self.schema}"; {sql}', params)

    def tables(self) -> set[str]:
        if self.vendor == "sqlite":
            rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = self._pg("SELECT table_name FROM information_schema.tables "
                            "WHERE table_schema = %s", (self.schema,))
        return {r[0] for r in rows}

    def columns(self, table: str) -> set[str]:
        if self.vendor == "sqlite":
            return {r[1] for r in self.query(f'PRAGMA table_info("{table}")')}
        rows = self._pg("SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = %s AND table_name = %s", (self.schema, table))
        return {r[0] for r in rows}

    def indexes(self, table: str) -> set[str]:
        if self.vendor == "sqlite":
            return {r[1] for r in self.query(f'PRAGMA index_list("{table}")')
                    if not r[1].startswith("sqlite_autoindex")}
        rows = self._pg("SELECT indexname FROM pg_indexes WHERE schemaname = %s "
                        "AND tablename = %s", (self.schema, table))
        return {r[0] for r in rows if not r[0].endswith("_pkey")}

    def index_sql(self, table: str) -> dict[str, str]:
        """Index name -> its definition (``CREATE ... INDEX ... [WHERE ...]``)."""
        if self.vendor == "sqlite":
            rows = self.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                              "AND tbl_name = ? AND sql IS NOT NULL", (table,))
        else:
            rows = self._pg("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
                            "AND tablename = %s", (self.schema, table))
        return {name: sql for name, sql in rows if not name.endswith("_pkey")}

    def rejects(self, sql: str, params=()) -> bool:
        """Whether the database refuses ``sql`` with an integrity error."""
        if self.vendor == "sqlite":
            try:
                self.query(sql, params)
            except sqlite3.IntegrityError:
                return True
            return False
        import psycopg2

        try:
            self.query(sql.replace("?", "%s"), params)
        except psycopg2.IntegrityError:
            return True
        return False

    def history(self) -> list[tuple[str, str]]:
        if "rustforge_migrations" not in self.tables():
            return []
        return [tuple(r) for r in self.query(
            "SELECT app, name FROM rustforge_migrations ORDER BY id")]

    def drop(self) -> None:
        if self.schema:
            self._pg(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


class Project:
    """A project made by ``rustforge startproject`` with apps from ``startapp``."""

    def __init__(self, root: Path, db: Database) -> None:
        self.root = root
        self.db = db
        self.env = {**os.environ, "DATABASE_URL": db.url, "SECRET_KEY": "x" * 50}
        self.env.pop("RUSTFORGE_SETTINGS_MODULE", None)
        self.env.pop("PYTHONPATH", None)
        # These tests follow only their own apps' history: leave out the built-in
        # apps a new project installs (auth, admin, ops: covered elsewhere).
        settings = root / "mysite" / "settings.py"
        lines = settings.read_text().splitlines(keepends=True)
        left_out = ("rustforge.contrib.auth", "rustforge.contrib.admin", "rustforge.contrib.ops")
        settings.write_text("".join(line for line in lines
                                    if not any(app in line for app in left_out)))

    def run(self, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "manage.py", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([PYTHON, "manage.py", *args], cwd=self.root, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        return result.stdout

    def fails(self, *args: str) -> str:
        """Run a command that must fail with one clear line; return that line."""
        result = self.run(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        errors = [line for line in result.stderr.splitlines() if "error:" in line]
        assert len(errors) == 1, result.stderr
        return errors[0]

    def startapp(self, name: str, models: str, *, install: bool = True) -> Path:
        self.ok("startapp", name)
        write(self.root / name / "models.py", models)
        if install:
            self.install(name)
        return self.root / name

    def install(self, name: str, *, first: bool = False) -> None:
        """Add ``name`` to INSTALLED_APPS (first in the list, or after the project)."""
        settings = self.root / "mysite" / "settings.py"
        text = settings.read_text()
        anchor = "INSTALLED_APPS = [\n" if first else '    "mysite",\n'
        assert anchor in text
        settings.write_text(text.replace(anchor, f'{anchor}    "{name}",\n', 1))

    def migrations(self, app: str) -> list[str]:
        folder = self.root / app / "migrations"
        return sorted(p.stem for p in folder.glob("[0-9]*_*.py"))
