"""RustForge: a batteries-included web framework on falcon and peewee.

Importing this package does nothing but define the version: no settings are
read, no connection is opened, no route is registered.
"""

__version__ = "0.1.0"
VERSION = tuple(int(part) for part in __version__.split("."))
