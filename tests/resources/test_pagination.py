"""Pagination links: written as ``urlencode(params, doseq=True)`` writes them
(rustforge.resources.pagination.page_link)."""

from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustforge.resources.pagination import page_link


class _Req:
    path = "/api/books"

    def __init__(self, params):
        self.params = params


def _reference(req, **changes):
    """page_link as it was written first: a copy, the changes, urlencode."""
    params = dict(req.params)
    params.update({k: v for k, v in changes.items() if v is not None})
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
    return f"{req.path}?{urlencode(params, doseq=True)}"


PARAMS = [
    {},
    {"include": "author", "limit": "20"},
    {"offset": "40", "limit": "20", "order": "-created,title"},
    {"title__icontains": "a b&c=d", "q": "caf\u00e9 \u2603", "x": ""},
    {"author__in": "1,2,3", "tag": ["a", "b c", "~d.e_f-g"], "empty": []},
    {"odd key": "v", "k\u00e9y": "1", "plus+": "%41", "slash/": "?#[]@!$'()*"},
    {"cursor": "eyJhIjoxfQ", "n": "0"},
]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("changes", [{"offset": 20}, {"offset": None}, {"cursor": "ab-c_d"},
                                     {"cursor": "a/b+c="}, {"limit": 0}, {"offset": 10**12}])
def test_same_links_as_urlencode(params, changes):
    req = _Req(params)
    assert page_link(req, **changes) == _reference(req, **changes)


def test_values_it_does_not_write_itself_go_through_urlencode():
    for value in (True, 2.5, ("a", "b"), b"x y", ["a", 1], -3):
        req = _Req({"a": "1", "v": value})
        assert page_link(req, offset=5) == _reference(req, offset=5)


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(_text, st.one_of(_text, st.lists(_text, max_size=3)), max_size=4),
       offset=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)))
def test_any_parameters_same_as_urlencode(params, offset):
    req = _Req(params)
    assert page_link(req, offset=offset) == _reference(req, offset=offset)
