"""Helpers shared by the framework's own tests (importable: tests/ is on sys.path)."""

import re
import shutil
import sys
from pathlib import Path


def rustforge_script() -> str:
    """The ``rustforge`` console script of the running interpreter's environment."""
    path = Path(sys.executable).parent / "rustforge"
    if path.exists():
        return str(path)
    found = shutil.which("rustforge")
    assert found, "the rustforge console script is not installed"
    return found


DOCS = Path(__file__).resolve().parent.parent / "docs"
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def doc_blocks(page: str, *, skip_settings: bool = False) -> list[str]:
    """The ```python blocks of ``docs/<page>``, in order.

    ``skip_settings`` leaves out blocks that start with a ``# settings.py``
    comment (configuration shown to the reader, not code to run).
    """
    blocks = _PYTHON_BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))
    if skip_settings:
        blocks = [b for b in blocks if not b.lstrip().startswith("# settings.py")]
    return blocks


def run_doc(page: str, module: str | None = None, *, min_blocks: int = 1,
            skip_settings: bool = False) -> dict:
    """Run the page's python blocks in order in one namespace; return it.

    A failing block is reported with the page, its number and its source.
    """
    blocks = doc_blocks(page, skip_settings=skip_settings)
    assert len(blocks) >= min_blocks, f"docs/{page} has {len(blocks)} python blocks"
    namespace: dict = {"__name__": module} if module else {}
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"docs/{page} block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"docs/{page}, python block {number} failed: {exc!r}\n{code}") \
                from exc
    return namespace


def sent(statement: tuple) -> object:
    """What the database receives for one ``(sql, params)`` pair peewee logged.

    psycopg2 writes the parameters into the statement on the client, so two
    pairs that differ only in which constants were written in ahead of time
    (``LIMIT %s`` with 1, ``LIMIT 1``) send the same bytes; SQLite binds
    them on the server, so there the pair itself is what is sent.
    """
    from rustforge.db import get_database

    db = get_database()
    sql, params = statement
    conn = db.connection()
    if type(conn).__module__.startswith("psycopg2"):
        return conn.cursor().mogrify(sql, params or ())
    return sql, list(params or ())


def count_compilations(monkeypatch) -> list:
    """A list that grows by one each time peewee compiles a query to SQL from now on."""
    import peewee

    built: list = []
    original = peewee.Database.get_sql_context

    def counting(self, *args, **kwargs):
        built.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(peewee.Database, "get_sql_context", counting)
    return built
