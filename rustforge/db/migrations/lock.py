"""One ``migrate`` at a time per database.

PostgreSQL: a session-level advisory lock, so two deploys (or two pods)
running ``migrate`` at once serialise; the second then finds nothing left to
do. SQLite: an exclusive ``flock`` on the database's folder (SQLite itself
has no lock that outlives one transaction).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator

import peewee

# Any fixed 64-bit number works; this is crc32("rustforge.migrate").
ADVISORY_KEY = 0x52464D47


def _vendor(db: peewee.Database) -> str:
    return "postgresql" if isinstance(db, peewee.PostgresqlDatabase) else "sqlite"


@contextlib.contextmanager
def migration_lock(db: peewee.Database,
                   on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the migration lock of ``db`` for the duration of the block.

    ``on_wait`` is called once if another process holds the lock, before
    waiting for it (so a command can say why it pauses).
    """
    if _vendor(db) == "postgresql":
        got = db.execute_sql("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
        if not got:
            if on_wait:
                on_wait()
            db.execute_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
        try:
            yield
        finally:
            with contextlib.suppress(peewee.DatabaseError):
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
        return
    path = db.database
    if not path or path == ":memory:" or str(path).startswith("file::memory:"):
        yield
        return
    # The lock is on the folder that holds the database: flock works on
    # directories, needs no lock file left behind, and never touches the
    # database file (closing another descriptor of that file would drop
    # SQLite's own POSIX locks).
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)) or ".", os.O_RDONLY)
    except OSError:
        # An unreadable folder: go on without the lock; SQLite's own write
        # lock and the history's unique (app, name) key still stop a double apply.
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
