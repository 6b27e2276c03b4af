"""auth.002_canonical_usernames: usernames in the one canonical spelling.

Login looks users up, and the login throttle counts failures, by
``rustforge.identity.normalize_username`` (NFKC, case-folded, stripped);
``create_user`` stores that form. Rows written before kept the spelling they
were typed in, so this folds them. A name whose folded form another row
already holds is left as it is (and logged): an operator decides which of the
two accounts keeps it.
"""

import logging
from typing import Any

import peewee as pw
from peewee_migrate import Migrator

from rustforge.conf import settings
from rustforge.identity import normalize_username

logger = logging.getLogger("rustforge.auth")


def user_table() -> str:
    if settings.AUTH_USER_MODEL == "auth.User":
        return "auth_user"
    from rustforge.apps import apps

    model: Any = apps.get_model(settings.AUTH_USER_MODEL)
    return model._meta.table_name


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Apply the changes."""

    def canonical_usernames():
        users = pw.Table(user_table(), ("id", "username")).bind(database)
        rows = list(users.select(users.id, users.username).tuples())
        taken = {name for _, name in rows}
        for pk, name in rows:
            canonical = normalize_username(name)
            if canonical == name:
                continue
            if canonical in taken:
                logger.warning("username %r not folded to %r: another account has that name",
                               name, canonical)
                continue
            users.update(username=canonical).where(users.id == pk).execute()
            taken.add(canonical)

    migrator.run(canonical_usernames)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo: the folded names log in as the old spellings did."""
