"""Validation errors and the one error envelope every layer reports them in.

Errors are a flat mapping of *field path* to messages::

    {"title": ["This field is required."],
     "items[0].quantity": ["Ensure this value is at least 1."],
     "__all__": ["The end date must follow the start date."]}

REST answers them as ``422 {"title": ..., "description": ..., "errors": {...}}``
(see ``rustforge.forms.http``); GraphQL and the admin read the same mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rustforge.exceptions import RustForgeError

# Key of the errors that belong to the whole form rather than one field.
NON_FIELD = "__all__"

ErrorDict = dict[str, list[str]]
Messages = str | Iterable[str] | Mapping[str, str | Iterable[str]]


def join_path(prefix: str, key: str | int) -> str:
    """``join_path("items[0]", "quantity") == "items[0].quantity"``;
    ``join_path("items", 2) == "items[2]"``; an empty key is the prefix itself."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    if not key:
        return prefix
    if not prefix:
        return key
    return f"{prefix}.{key}"


class ValidationError(RustForgeError):
    """Raised by a field, a ``clean_<field>()`` or ``clean()`` hook, or a validator.

        raise ValidationError("Enter a valid ISBN.")
        raise ValidationError({"end": "Must follow the start date."})   # from clean()

    ``errors`` maps paths (relative to where it was raised; ``""`` for "here")
    to lists of messages.
    """

    def __init__(self, message: Messages) -> None:
        self.errors: ErrorDict = {}
        if isinstance(message, str):
            self.errors[""] = [message]
        elif isinstance(message, Mapping):
            for key, value in message.items():
                self.errors[str(key)] = [value] if isinstance(value, str) else list(value)
        else:
            self.errors[""] = list(message)
        super().__init__(self._summary())

    def _summary(self) -> str:
        return "; ".join(f"{k or 'value'}: {' '.join(v)}" for k, v in self.errors.items())

    @property
    def messages(self) -> list[str]:
        return [m for msgs in self.errors.values() for m in msgs]


class ValidationFailed(RustForgeError):
    """A whole form failed validation; ``errors`` is the envelope mapping.

    Raised by ``Form.validate()``. Forms bound to a request raise the HTTP
    subclass, which falcon answers with 422 and the envelope.
    """

    status = 422
    title = "Validation failed"

    def __init__(self, errors: ErrorDict, description: str | None = None) -> None:
        self.errors = errors
        self.description = description or "The submitted data is invalid."
        # Not super(): the HTTP subclasses put falcon's error next in the MRO.
        Exception.__init__(self, f"{self.description} {errors}")

    def envelope(self) -> dict:
        """The JSON body every layer answers with."""
        return {"title": self.title, "description": self.description, "errors": self.errors}


def add_error(errors: ErrorDict, path: str, messages: Iterable[str]) -> None:
    errors.setdefault(path or NON_FIELD, []).extend(messages)


def merge(errors: ErrorDict, prefix: str, exc: ValidationError) -> None:
    """Merge ``exc``'s relative paths under ``prefix`` into ``errors``."""
    for key, messages in exc.errors.items():
        if key == NON_FIELD:
            key = ""
        add_error(errors, _join_relative(prefix, key), messages)


def _join_relative(prefix: str, key: str) -> str:
    if not key:
        return prefix
    if key.startswith("["):
        return prefix + key
    return join_path(prefix, key)
