"""Errors of the migration system; each message is one line a user can act on."""

from rustforge.exceptions import RustForgeError


class MigrationError(RustForgeError):
    """Base class of every migration error."""


class UnknownMigration(MigrationError):
    """A target or dependency names a migration that does not exist."""


class InconsistentHistory(MigrationError):
    """The dependency graph cannot be ordered (a cycle, or a missing app)."""


class DatabaseUnreachable(MigrationError):
    """The database could not be connected to."""
