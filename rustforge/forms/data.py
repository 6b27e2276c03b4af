"""Turn the flat keys of an HTML form into nested objects and lists.

    >>> unflatten({"name": "Ada", "items[0][sku]": "A1", "items[0].quantity": "2",
    ...            "address.city": "Paris"})
    {'name': 'Ada', 'items': {0: {'sku': 'A1', 'quantity': '2'}}, 'address': {'city': 'Paris'}}

Lists come out as dicts keyed by index; ``ListField`` orders them, so
``items[999999]`` costs one entry rather than a million. ``tags[]`` appends.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rustforge.forms.errors import ValidationError

_TOKEN = re.compile(r"\[([^\[\]]*)\]|\.?([^.\[\]]+)")
MAX_INDEX = 10_000
_INDEX = re.compile(r"[0-9]{1,6}")


def _tokens(key: str) -> list[str | int | None]:
    tokens: list[str | int | None] = []
    pos = 0
    for match in _TOKEN.finditer(key):
        if match.start() != pos:
            return [key]  # not a path after all: keep the key as it is
        pos = match.end()
        bracket, dotted = match.group(1), match.group(2)
        part = bracket if bracket is not None else dotted
        if bracket == "":
            tokens.append(None)  # "tags[]": append
        elif _INDEX.fullmatch(part):  # not isdigit(): "²" is a digit to it
            tokens.append(int(part))
        else:
            tokens.append(part)
    return tokens if pos == len(key) and tokens else [key]


def unflatten(flat: Mapping[str, Any]) -> dict:
    """Nest ``a.b`` / ``a[b]`` / ``a[0]`` keys; a key used both as a value and
    as a group is a ``ValidationError`` at that key."""
    # PERF: the common flat form needs no parsing; its keys are searched
    # joined, in C, rather than one generator step per key.
    keys = "".join(flat)
    if "[" not in keys and "." not in keys:
        return dict(flat)
    result: dict = {}
    for key, value in flat.items():
        tokens = _tokens(key)
        node: Any = result
        for i, token in enumerate(tokens):
            last = i == len(tokens) - 1
            if token is None:
                token = len(node)
                values = value if isinstance(value, list) and last else [value]
                if last:
                    for v in values:
                        node[len(node)] = v
                    break
            if isinstance(token, int) and token > MAX_INDEX:
                raise ValidationError({key: f"List indexes above {MAX_INDEX} are not accepted."})
            if last:
                if token in node and isinstance(node[token], dict):
                    raise ValidationError({key: "This key is sent both as a value and a group."})
                node[token] = value
            else:
                child = node.setdefault(token, {})
                if not isinstance(child, dict):
                    raise ValidationError({key: "This key is sent both as a value and a group."})
                node = child
    return result
