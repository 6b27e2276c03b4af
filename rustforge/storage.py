"""File storage: where generated files (exports, reports) are kept for later download.

    from rustforge.storage import get_storage

    storage = get_storage()                          # the ``storage`` service
    name = storage.save("reports/2026/summary.txt", b"hello")
    with storage.open(name) as handle:
        handle.read()                                # b'hello'

    with storage.writer("exports/big.csv") as out:   # streamed, renamed into place at the end
        for chunk in chunks:
            out.write(chunk)

The embedded default keeps files under ``STORAGE_ROOT`` on the local disk
(``BASE_DIR/storage`` when unset). Names are relative, ``/``-separated paths;
one that would leave the root (``..``, an absolute path, a NUL byte, a
backslash, a drive) raises :class:`SuspiciousFileName` before the disk is
touched. Writes go to a temporary file in the same folder and are renamed
into place, so a reader never sees half a file.

Another backend (object storage, a shared volume) is a class with the same
methods named by ``STORAGE_BACKEND``. See ``docs/storage.md``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured, RustForgeError
from rustforge.importing import import_string
from rustforge.services import services

__all__ = ["FileSystemStorage", "SuspiciousFileName", "get_storage"]

_MAX_NAME = 1024
_CHUNK = 64 * 1024


class SuspiciousFileName(RustForgeError, ValueError):
    """A storage name that is empty, too long or would leave the storage root."""


def clean_name(name: str) -> str:
    """``name`` as a normalised relative path; :class:`SuspiciousFileName` when unsafe."""
    if not isinstance(name, str) or not name or len(name) > _MAX_NAME:
        raise SuspiciousFileName("a storage name is a non-empty string of at most "
                                 f"{_MAX_NAME} characters")
    if "\x00" in name or "\\" in name or any(ord(c) < 32 for c in name):
        raise SuspiciousFileName(f"control characters or backslashes in {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or ":" in name.split("/")[0]:
        raise SuspiciousFileName(f"{name!r} is not a relative path")
    parts = [part for part in path.parts if part not in ("", ".")]
    if not parts or ".." in parts:
        raise SuspiciousFileName(f"{name!r} leaves the storage root")
    return "/".join(parts)


class FileSystemStorage:
    """Files under one folder of the local disk."""

    def __init__(self, root: str | os.PathLike[str], *, permissions: int = 0o640) -> None:
        self.root = Path(root).resolve()
        self.permissions = permissions

    def __repr__(self) -> str:
        return f"<FileSystemStorage {self.root}>"

    def path(self, name: str) -> Path:
        """The absolute path of ``name``; never outside the root, even through a symlink."""
        target = (self.root / clean_name(name)).resolve()
        if target != self.root and self.root not in target.parents:
            raise SuspiciousFileName(f"{name!r} leaves the storage root")
        return target

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def size(self, name: str) -> int:
        return self.path(name).stat().st_size

    def open(self, name: str) -> IO[bytes]:
        """The file opened for reading (binary); FileNotFoundError when absent."""
        return self.path(name).open("rb")

    def delete(self, name: str) -> bool:
        """Remove ``name``; False when it was not there."""
        try:
            self.path(name).unlink()
        except FileNotFoundError:
            return False
        return True

    @contextlib.contextmanager
    def writer(self, name: str) -> Iterator[IO[bytes]]:
        """A binary file to write ``name`` into; it appears only when the block succeeds."""
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
            os.chmod(temp, self.permissions)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    def save(self, name: str, content: bytes | IO[bytes] | Iterable[bytes]) -> str:
        """Write ``content`` (bytes, a binary file or an iterable of byte chunks); the name."""
        clean = clean_name(name)
        with self.writer(clean) as out:
            if isinstance(content, (bytes, bytearray, memoryview)):
                out.write(content)
            elif hasattr(content, "read"):
                while chunk := content.read(_CHUNK):
                    out.write(chunk)
            else:
                for chunk in content:
                    out.write(chunk)
        return clean

    def listdir(self, prefix: str = "") -> list[str]:
        """Names of the files under ``prefix`` (recursively), sorted."""
        base = self.path(prefix) if prefix else self.root
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.root).as_posix()) for p in base.rglob("*")
                      if p.is_file() and not p.name.startswith(".tmp-"))


def _create_storage() -> Any:
    backend = import_string(settings.STORAGE_BACKEND)
    root = settings.STORAGE_ROOT
    if root is None:
        base = settings.BASE_DIR
        root = Path(base) / "storage" if base is not None else Path.cwd() / "storage"
    if not str(root):
        raise ImproperlyConfigured("STORAGE_ROOT is empty")
    return backend(root)


services.register("storage", _create_storage, settings={"STORAGE_BACKEND", "STORAGE_ROOT",
                                                        "BASE_DIR"})


def get_storage() -> Any:
    """The project's storage (the ``storage`` service)."""
    return services.get("storage")
