"""Header values and addresses: validated before a message is built.

Every header value a message carries (subject, each address, extra headers)
passes through here, so a newline smuggled in from a form ("header
injection") is refused before anything reaches a server::

    >>> check_header_value("Subject", "Hello\\nBcc: victim@example.com")
    Traceback (most recent call last):
    ...
    rustforge.mail.errors.BadHeaderError: header 'Subject' contains a control character (\\n) ...

Addresses come as ``"Ada <ada@example.com>"``, ``("Ada", "ada@example.com")``
or ``email.headerregistry.Address``; internationalised domains are converted
to their ASCII (IDNA) form, non-ASCII display names are left to the email
package, which encodes them per RFC 2047::

    >>> str(parse_address("Zoë <zoe@bücher.example>"))
    'Zoë <zoe@xn--bcher-kva.example>'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email import _header_value_parser as parser
from email.headerregistry import Address

from rustforge.mail.errors import BadHeaderError, InvalidAddress

AddressLike = str | tuple[str, str] | Address

# C0 controls, DEL, C1 controls and the Unicode line/paragraph separators:
# str.splitlines() and some mail software treat the latter as line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# RFC 5322 field name: printable ASCII except the colon.
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_LOCAL_PART = re.compile(r"^[ -~]+$")


def check_header_name(name: str) -> str:
    if not isinstance(name, str) or not _HEADER_NAME.match(name):
        raise BadHeaderError(f"invalid header name {name!r}: use printable ASCII without ':'")
    return name


def check_header_value(name: str, value: str) -> str:
    """Return ``value`` if it holds no control character; raise otherwise."""
    if not isinstance(value, str):
        raise BadHeaderError(f"header {name!r} must be a string, got {type(value).__name__}")
    found = _CONTROL.search(value)
    if found:
        raise BadHeaderError(
            f"header {name!r} contains a control character ({found.group()!r:.6}) "
            f"at position {found.start()}; newlines are not allowed in headers")
    return value


def idna_domain(domain: str, *, field: str = "address") -> str:
    """The ASCII form of ``domain`` (``bücher.example`` -> ``xn--bcher-kva.example``)."""
    if domain.startswith("[") and domain.endswith("]"):  # a literal like [192.0.2.1]
        if not _LOCAL_PART.match(domain):
            raise InvalidAddress(f"{field}: invalid domain literal {domain!r}")
        return domain
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidAddress(f"{field}: invalid domain {domain!r} ({exc})") from None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidAddress(f"{field}: invalid domain {domain!r}")
    return ascii_domain


def parse_address(value: AddressLike, *, field: str = "address") -> Address:
    """Validate one address; return it with an ASCII (IDNA) domain.

    Raises ``InvalidAddress`` (a ``BadHeaderError``) with a message naming
    ``field`` when the address is malformed, has no domain, holds a control
    character or has a non-ASCII local part (that would need SMTPUTF8, which
    many servers lack).
    """
    if isinstance(value, Address):
        name, local, domain = value.display_name, value.username, value.domain
    elif isinstance(value, tuple) and len(value) == 2:
        name, addr = value
        check_header_value(field, name or "")
        check_header_value(field, addr)
        _, local, domain = _parse_mailbox(addr, field)
        if not name:
            name = ""
    elif isinstance(value, str):
        check_header_value(field, value)
        name, local, domain = _parse_mailbox(value, field)
    else:
        raise InvalidAddress(f"{field}: expected an address string or a (name, address) "
                             f"pair, got {type(value).__name__}")
    check_header_value(field, name)
    if not local or not domain:
        raise InvalidAddress(f"{field}: {value!r} is not a complete address (name@domain)")
    if not _LOCAL_PART.match(local):
        raise InvalidAddress(f"{field}: the part before '@' in {value!r} must be ASCII")
    ascii_domain = idna_domain(domain, field=field)
    try:
        return Address(display_name=name, username=local, domain=ascii_domain)
    except (ValueError, IndexError) as exc:
        raise InvalidAddress(f"{field}: invalid address {value!r} ({exc})") from None


def _parse_mailbox(text: str, field: str) -> tuple[str, str, str]:
    try:
        token, rest = parser.get_mailbox(text.strip())
    except Exception:  # noqa: BLE001 - HeaderParseError, or IndexError for "ada@"
        raise InvalidAddress(f"{field}: invalid address {text!r}") from None
    if rest:
        raise InvalidAddress(f"{field}: invalid address {text!r}; only "
                             f"{str(token).strip()!r} could be parsed (one address per entry)")
    if token.all_defects:
        raise InvalidAddress(f"{field}: invalid address {text!r} ({token.all_defects[0]})")
    return token.display_name or "", token.local_part or "", token.domain or ""


def is_pair(value: object) -> bool:
    """``("Ada", "ada@example.com")``: a display name and an address, not two addresses."""
    return (isinstance(value, tuple) and len(value) == 2
            and all(isinstance(v, str) for v in value)
            and "@" not in value[0] and "@" in value[1])


def parse_addresses(values: AddressLike | Iterable[AddressLike] | None,
                    *, field: str) -> list[Address]:
    """Validate a list of addresses (a single string counts as one address)."""
    if values is None:
        return []
    if isinstance(values, (str, Address)) or is_pair(values):
        values = [values]  # type: ignore[list-item]
    return [parse_address(v, field=field) for v in values]
