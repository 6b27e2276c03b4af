"""One rooted hierarchy for every error the framework raises on purpose."""


class RustForgeError(Exception):
    """Base class of all RustForge errors."""


class ImproperlyConfigured(RustForgeError):
    """A setting is missing or has a value that cannot work."""


class AppRegistryNotReady(RustForgeError):
    """The app registry was used before ``apps.populate()`` finished."""


class DatabaseAccessBlocked(RustForgeError):
    """A test touched the database without asking for the ``db`` fixture."""


class NoReverseMatch(RustForgeError):
    """``reverse()`` found no route of that name, or the parameters do not fit."""
