"""rustforge.identity: one user key for per-user cache entries and rate limits."""

from types import SimpleNamespace

import pytest

from rustforge.identity import request_user_key
from rustforge.ratelimit.keys import key_for


def request(user):
    return SimpleNamespace(context=SimpleNamespace(user=user) if user is not None
                           else SimpleNamespace())


class User:
    is_authenticated = True

    def __init__(self, pk):
        self._pk = pk


@pytest.mark.parametrize(("user", "expected"), [
    (None, None),
    (SimpleNamespace(is_authenticated=False, _pk=None), None),
    (User(7), "7"),
    (User(0), "0"),  # a falsy key is still a key
    (User("ada@example.com"), "ada@example.com"),  # a model keyed by another column
    (SimpleNamespace(is_authenticated=True, id=3), "3"),  # not a peewee model
])
def test_request_user_key(user, expected):
    assert request_user_key(request(user)) == expected


def test_rate_limits_key_on_the_same_user_key():
    assert key_for(request(User(0)), "user") == "user:0"
    assert key_for(request(User("ada@example.com")), "user") == "user:ada@example.com"
