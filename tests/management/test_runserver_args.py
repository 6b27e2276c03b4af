import pytest

from rustforge.management import CommandError
from rustforge.management.commands.runserver import parse_addrport


@pytest.mark.parametrize("value,expected", [
    ("8000", ("127.0.0.1", 8000)),
    ("0.0.0.0:8001", ("0.0.0.0", 8001)),
    ("localhost:80", ("localhost", 80)),
    ("[::1]:8000", ("::1", 8000)),
])
def test_addrport(value, expected):
    assert parse_addrport(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "0", "65536", "1.2.3.4:", ":80", "::1:80",
                                   "host:port", "127.0.0.1:8000:1"])
def test_bad_addrport(value):
    with pytest.raises(CommandError, match="not a valid port"):
        parse_addrport(value)
