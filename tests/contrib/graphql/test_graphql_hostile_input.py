"""Bad requests and hostile input get clear 4xx answers, never a 500."""

import json

import pytest


def codes(response):
    return [e["extensions"]["code"] for e in response.json["errors"]]


@pytest.mark.parametrize("body, status", [
    ({}, 400),
    ({"query": ""}, 400),
    ({"query": 12}, 400),
    ({"query": ["{ __typename }"]}, 400),
    ({"query": "{ __typename }", "variables": "x"}, 400),
    ({"query": "{ __typename }", "variables": [1]}, 400),
    ({"query": "{ __typename }", "operationName": 3}, 400),
    ({"query": "query A { __typename } query B { __typename }"}, 400),
    ({"query": "query A { __typename }", "operationName": "Z"}, 400),
    ({"query": "{ nope }"}, 400),
    ({"query": "{ posts { "}, 400),
    ({"query": "subscription { __typename }"}, 400),
])
def test_malformed_requests(client, db, body, status):
    response = client.post("/graphql", json=body)
    assert response.status_code == status, response.text
    assert response.json["errors"][0]["message"]


def test_body_must_be_a_json_object(client, db):
    assert client.post("/graphql", json=[1, 2]).status_code == 400
    response = client.post("/graphql", body=b"{ __typename }",
                           headers={"Content-Type": "application/graphql"})
    assert response.status_code == 415
    assert client.post("/graphql", body=b"{not json",
                       headers={"Content-Type": "application/json"}).status_code == 400


@pytest.mark.parametrize("value", [2**31, 2**70, -(2**40), 1.5, "12", True, None, {"a": 1}])
def test_wrong_variable_types_are_refused_before_execution(graphql_query, db, value):
    response = graphql_query("query($n: Int!) { posts(first: $n) { nodes { id } } }",
                             {"n": value})
    assert response.status_code == 400, response.text
    assert "data" not in response.json


def test_deeply_nested_variables_json(client, db):
    nested = "[" * 5000 + "]" * 5000
    raw = ('{"query": "query($v: JSON) { __typename }", "variables": {"v": ' + nested + "}}").encode()
    response = client.post("/graphql", body=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def post_raw(client, query, variables):
    # json.dumps escapes a lone surrogate (\\ud800), which a client library would refuse to send.
    raw = json.dumps({"query": query, "variables": variables}).encode()
    return client.post("/graphql", body=raw, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "x" * 1000])
def test_nul_bytes_in_arguments(client, db, text):
    response = post_raw(client, "query($id: ID!) { post(id: $id) { title } }", {"id": text})
    assert response.status_code == 200, response.text
    assert response.json["data"]["post"] is None


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogates_are_refused(client, db, text):
    response = post_raw(client, "query($id: ID!) { post(id: $id) { title } }", {"id": text})
    assert response.status_code == 400
    assert "surrogate" in response.json["errors"][0]["message"]
    in_query = post_raw(client, '{ post(id: "\\ud800") { title } }', None)
    assert in_query.status_code == 400


def test_nul_bytes_inside_the_query_text(graphql_query, db):
    response = graphql_query('{ post(id: "1\u0000") { title } }')
    assert response.status_code in (200, 400)
    assert "INTERNAL_SERVER_ERROR" not in str(response.json)


@pytest.mark.parametrize("literal", ["9" * 30, "9" * 5000, "-" + "9" * 20])
def test_huge_integer_literals(graphql_query, db, literal):
    for query in [f"{{ posts(first: {literal}) {{ nodes {{ id }} }} }}",
                  f"query($n: Int = {literal}) {{ posts(first: $n) {{ nodes {{ id }} }} }}",
                  f"mutation {{ addComment(input: {{postId: {literal}}}) {{ body }} }}"]:
        response = graphql_query(query)
        assert response.status_code == 400, response.text
        assert response.json["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
