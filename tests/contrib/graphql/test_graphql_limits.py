"""Hostile documents are refused before anything executes.

Each test asserts the rejection *and* that no resolver ran (no SQL), never a
timing: the limits are counted on the document, fragments expanded.
"""

import pytest

from rustforge.contrib.graphql import execution


@pytest.fixture
def nothing_executes(monkeypatch):
    """Fails the test if graphql-core's execute() is reached."""
    def refuse(*args, **kwargs):
        raise AssertionError("the document was executed")

    monkeypatch.setattr(execution, "execute", refuse)


def rejected(response, code):
    assert response.status_code == 400, response.text
    body = response.json
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == code, body
    return body["errors"][0]


def test_depth_bomb(graphql_query, nothing_executes):
    inner = "id"
    for _ in range(10):
        inner = f"posts {{ nodes {{ author {{ posts {{ nodes {{ {inner} }} }} }} }} }}"
    error = rejected(graphql_query(f"{{ authors {{ nodes {{ {inner} }} }} }}"), "QUERY_TOO_DEEP")
    assert "15 levels" in error["message"]


def test_depth_is_counted_through_fragments(graphql_query, nothing_executes):
    # Each fragment is shallow; spread inside one another they are 20 levels deep.
    fragments = "".join(
        f"fragment F{i} on Author {{ posts(first: 1) {{ nodes {{ author {{ ...F{i + 1} }} }} }} }}"
        for i in range(5)) + " fragment F5 on Author { name }"
    rejected(graphql_query("{ authors(first: 1) { nodes { ...F0 } } }" + fragments),
             "QUERY_TOO_DEEP")


def test_alias_bomb_through_fragments(graphql_query, nothing_executes):
    # 10 aliases in a fragment, the fragment spread 5 times under 5 aliases: 55 aliases.
    fragment = "fragment A on Post { " + " ".join(f"t{i}: title" for i in range(10)) + " }"
    spreads = " ".join(f"p{i}: post(id: 1) {{ ...A }}" for i in range(5))
    error = rejected(graphql_query(f"{{ {spreads} }} {fragment}"), "TOO_MANY_ALIASES")
    assert "30" in error["message"]


def test_exponential_fragment_bomb_is_measured_without_expanding(graphql_query,
                                                                 nothing_executes):
    # F0 spreads F1 twice, F1 spreads F2 twice ... 2**30 fields once expanded.
    fragments = " ".join(f"fragment F{i} on Post {{ ...F{i + 1} ...F{i + 1} }}"
                         for i in range(30)) + " fragment F30 on Post { title }"
    rejected(graphql_query(f"{{ post(id: 1) {{ ...F0 }} }} {fragments}"), "QUERY_TOO_COSTLY")


def test_cost_bomb_with_wide_pages(graphql_query, nothing_executes):
    query = ("{ authors(first: 100) { nodes { posts(first: 100) { nodes { "
             "comments(first: 100) { nodes { body } } } } } } }")
    error = rejected(graphql_query(query), "QUERY_TOO_COSTLY")
    assert error["extensions"]["limit"] == 20000


def test_variable_page_size_counts_as_the_largest_page(graphql_query, nothing_executes):
    query = ("query($n: Int) { authors(first: $n) { nodes { posts(first: $n) { nodes { "
             "comments(first: $n) { nodes { body } } } } } } }")
    rejected(graphql_query(query, {"n": 1}), "QUERY_TOO_COSTLY")


def test_fragment_cycles_are_rejected(graphql_query, nothing_executes):
    query = ("{ post(id: 1) { ...A } } fragment A on Post { author { ...B } } "
             "fragment B on Author { posts { nodes { ...A } } }")
    error = rejected(graphql_query(query), "GRAPHQL_VALIDATION_FAILED")
    assert "cycle" in error["message"]


def test_token_bomb_is_stopped_by_the_parser(graphql_query, nothing_executes, monkeypatch):
    from graphql import validate

    monkeypatch.setattr(execution, "validate",
                        lambda *a, **k: pytest.fail("validated a document over the limit"))
    query = "{ " + "a " * 6000 + "}"
    error = rejected(graphql_query(query), "TOO_MANY_TOKENS")
    assert "5000" in error["message"]
    assert validate  # (the real one is untouched)


def test_overlong_query_text_is_refused_before_parsing(graphql_query, nothing_executes,
                                                        monkeypatch):
    monkeypatch.setattr(execution, "parse", lambda *a, **k: pytest.fail("parsed"))
    rejected(graphql_query("{ __typename }" + " " * 60_000), "QUERY_TOO_LONG")


def test_deeply_nested_braces_are_a_clear_error(graphql_query, nothing_executes):
    response = graphql_query("{" * 2000 + "}" * 2000)
    assert response.status_code == 400
    assert response.json["errors"][0]["extensions"]["code"] in (
        "GRAPHQL_PARSE_FAILED", "TOO_MANY_TOKENS", "QUERY_TOO_DEEP")


def test_a_rejected_document_is_rejected_again_from_the_cache(graphql_query, nothing_executes,
                                                             monkeypatch):
    from rustforge.contrib.graphql import limits

    query = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    rejected(graphql_query(query), "TOO_MANY_ALIASES")
    monkeypatch.setattr(execution, "check_limits", lambda *a: pytest.fail("measured again"))
    rejected(graphql_query(query), "TOO_MANY_ALIASES")
    assert limits.check_limits


def test_introspection_can_be_switched_off(graphql_query, settings, db):
    settings.GRAPHQL_INTROSPECTION = False
    error = rejected(graphql_query("{ __schema { types { name } } }"),
                     "GRAPHQL_VALIDATION_FAILED")
    assert "introspection" in error["message"].lower()
    settings.GRAPHQL_INTROSPECTION = True
    response = graphql_query("{ __schema { queryType { name } } }")
    assert response.json == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_introspection_follows_debug_by_default(graphql_query, settings, db):
    settings.GRAPHQL_INTROSPECTION = None
    settings.DEBUG = False
    rejected(graphql_query("{ __type(name: \"Post\") { name } }"), "GRAPHQL_VALIDATION_FAILED")
    settings.DEBUG = True
    assert graphql_query("{ __type(name: \"Post\") { name } }").json["data"]["__type"] == {
        "name": "Post"}


def test_the_full_introspection_query_fits_the_default_limits(graphql_query, db):
    from graphql import get_introspection_query

    response = graphql_query(get_introspection_query(descriptions=True))
    assert response.status_code == 200, response.text
    names = {t["name"] for t in response.json["data"]["__schema"]["types"]}
    assert {"Post", "Author", "Comment", "PostConnection", "DateTime"} <= names
