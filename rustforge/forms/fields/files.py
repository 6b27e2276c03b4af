"""Uploads: ``UploadedFile`` and ``FileField``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rustforge.forms.fields.base import Field


class UploadedFile:
    """A file from a multipart upload, held in memory (bodies are capped by
    ``MAX_BODY_SIZE``)."""

    def __init__(self, filename: str, content_type: str, data: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.data = data

    @property
    def size(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<UploadedFile {self.filename!r} {self.content_type} {self.size} bytes>"


class FileField(Field):
    """A multipart file upload, with optional ``max_size`` in bytes,
    allowed ``content_types`` (``"image/*"`` wildcards) and ``extensions``."""

    input_type = "file"

    def __init__(self, *, max_size: int | None = None, content_types: Sequence[str] = (),
                 extensions: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_size = max_size
        self.content_types = tuple(content_types)
        self.extensions = tuple(e.lower().lstrip(".") for e in extensions)
        self.error_messages = {
            "invalid": "Upload a file (send the form as multipart/form-data).",
            "empty": "The submitted file is empty.",
            "max_size": "Ensure the file is at most {n} bytes (it has {got}).",
            "content_type": "Files of type {got} are not allowed; allowed: {allowed}.",
            "extension": "Files ending in .{got} are not allowed; allowed: {allowed}.",
            **self.error_messages}

    def to_python(self, value: Any) -> UploadedFile:
        if not isinstance(value, UploadedFile):
            self.fail("invalid")
        return value

    def validate(self, value: UploadedFile) -> None:
        if value.size == 0:
            self.fail("empty")
        if self.max_size is not None and value.size > self.max_size:
            self.fail("max_size", n=self.max_size, got=value.size)
        if self.content_types:
            ctype = (value.content_type or "").split(";")[0].strip().lower()
            if not any(ctype == allowed or (allowed.endswith("/*")
                                            and ctype.startswith(allowed[:-1]))
                       for allowed in self.content_types):
                self.fail("content_type", got=ctype or "(none)",
                          allowed=", ".join(self.content_types))
        if self.extensions:
            ext = value.filename.rpartition(".")[2].lower() if "." in value.filename else ""
            if ext not in self.extensions:
                self.fail("extension", got=ext or "(none)", allowed=", ".join(self.extensions))

    def json_schema(self) -> dict:
        return self._finish_schema({"type": "string", "format": "binary"})
