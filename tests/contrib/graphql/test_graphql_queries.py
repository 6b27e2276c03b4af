"""Queries through /graphql in process: shape, paging, batching, permissions."""

import pytest

BEARER = {"Authorization": "Bearer reader:read"}

POSTS_WITH_EVERYTHING = """
query($first: Int) {
  posts(first: $first) {
    nodes {
      title wordCount
      author { name }
      comments { nodes { body author { name } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""


def test_list_of_100_posts_with_authors_and_comments_is_a_bounded_number_of_queries(
        graphql_query, db, blog, count_queries):
    with count_queries() as queries:
        response = graphql_query(POSTS_WITH_EVERYTHING, {"first": 100})
    assert response.status_code == 200, response.text
    nodes = response.json["data"]["posts"]["nodes"]
    assert len(nodes) == 100
    assert nodes[0]["author"] == {"name": "Author 0"}
    assert nodes[4]["author"] == {"name": "Author 1"}
    assert [c["body"] for c in nodes[7]["comments"]["nodes"]] == [
        "Comment 0 on Post 7", "Comment 1 on Post 7"]
    assert all(c["author"]["name"].startswith("Author ") for n in nodes
               for c in n["comments"]["nodes"])
    # posts, their authors, their comments, the comments' authors: one each.
    assert len(queries) == 4, queries.statements
    # The same query over 10 posts costs the same number of statements.
    with count_queries() as fewer:
        graphql_query(POSTS_WITH_EVERYTHING, {"first": 10})
    assert len(fewer) == len(queries)


def test_connections_page_forward_with_cursors(graphql_query, db, blog):
    query = "query($after: String) { posts(first: 40, after: $after) " \
            "{ edges { cursor node { title } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"
    seen, after, pages = [], None, 0
    while True:
        data = graphql_query(query, {"after": after}).json["data"]["posts"]
        seen += [e["node"]["title"] for e in data["edges"]]
        pages += 1
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not data["pageInfo"]["hasNextPage"]:
            break
        assert data["edges"][-1]["cursor"] == data["pageInfo"]["endCursor"]
        after = data["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [f"Post {i}" for i in range(100)]


def test_nested_connections_are_paged_per_parent(graphql_query, db, blog):
    response = graphql_query("{ authors { nodes { name posts(first: 2) "
                             "{ nodes { title } pageInfo { hasNextPage } } } } }")
    authors = response.json["data"]["authors"]["nodes"]
    assert [len(a["posts"]["nodes"]) for a in authors] == [2, 2, 2]
    assert authors[1]["posts"]["nodes"] == [{"title": "Post 1"}, {"title": "Post 4"}]
    assert all(a["posts"]["pageInfo"]["hasNextPage"] for a in authors)


@pytest.mark.parametrize("first, message", [(101, "between 0 and 100"), (-1, "between 0")])
def test_page_size_is_capped(graphql_query, db, first, message):
    response = graphql_query("query($n: Int) { posts(first: $n) { nodes { id } } }", {"n": first})
    assert response.status_code == 200
    assert response.json["data"] is None
    error = response.json["errors"][0]
    assert message in error["message"] and error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("cursor", ["nope", "W10", "WyJ4Il0", "x" * 500, "\u0000"])
def test_forged_cursors_are_refused(graphql_query, db, cursor):
    response = graphql_query("query($c: String) { posts(after: $c) { nodes { id } } }",
                             {"c": cursor})
    error = response.json["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}


def test_item_lookup_and_absent_ids(graphql_query, db, blog):
    post = blog["posts"][3]
    found = graphql_query("query($id: ID!) { post(id: $id) { title author { name } } }",
                          {"id": str(post.id)})
    assert found.json["data"]["post"] == {"title": "Post 3", "author": {"name": "Author 0"}}
    for missing in ["999999", "abc", "1e9", "-1"]:
        response = graphql_query("query($id: ID!) { post(id: $id) { title } }", {"id": missing})
        assert response.status_code == 200
        assert response.json["data"]["post"] is None


def test_field_permission_hides_data_from_anonymous_users(graphql_query, db, blog, make_user):
    query = "{ authors(first: 1) { nodes { name email } } }"
    anonymous = graphql_query(query).json
    assert anonymous["data"]["authors"]["nodes"] == [{"name": "Author 0", "email": None}]
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous["errors"][0]["path"] == ["authors", "nodes", 0, "email"]
    assert "a0@example.com" not in str(anonymous)
    make_user("reader")
    signed_in = graphql_query(query, headers=BEARER).json
    assert signed_in["data"]["authors"]["nodes"][0]["email"] == "a0@example.com"
    assert "errors" not in signed_in


def test_token_scopes_limit_types(graphql_query, db, blog, make_user):
    make_user("reader")
    query = "{ posts(first: 1) { nodes { title } } }"
    assert graphql_query(query, headers=BEARER).json["data"]["posts"]["nodes"] == [
        {"title": "Post 0"}]
    no_scope = graphql_query(query, headers={"Authorization": "Bearer reader:profile"}).json
    assert no_scope["data"] is None
    assert no_scope["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert no_scope["errors"][0]["extensions"]["missingScopes"] == ["read"]
    # A request that is not token-authenticated is not limited by scopes.
    assert graphql_query(query).json["data"]["posts"]["nodes"] == [{"title": "Post 0"}]


def test_internal_errors_are_masked_without_debug(graphql_query, db, settings, caplog):
    settings.DEBUG = False
    body = graphql_query("{ boom }").json
    assert body["data"] is None
    assert body["errors"] == [{"message": "Internal server error.",
                               "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                               "locations": [{"line": 1, "column": 3}], "path": ["boom"]}]
    assert "secret detail" in caplog.text  # logged for the operator, not sent


def test_internal_errors_are_shown_with_debug(graphql_query, db, settings):
    settings.DEBUG = True
    error = graphql_query("{ boom }").json["errors"][0]
    assert "secret detail" in error["message"]
    assert any("RuntimeError" in line for line in error["extensions"]["traceback"])


def test_get_runs_queries_and_refuses_mutations(client, db, blog):
    response = client.get("/graphql", params={"query": "{ posts(first: 2) { nodes { title } } }"})
    assert response.status_code == 200
    assert response.json["data"]["posts"]["nodes"][1]["title"] == "Post 1"
    mutation = client.get("/graphql", params={
        "query": 'mutation { deletePost(id: "1") }'})
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert mutation.json["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    from testproject.gqlblog.models import Post

    assert Post.select().count() == 100


def test_get_with_variables_and_operation_name(client, db, blog):
    response = client.get("/graphql", params={
        "query": "query A { a: posts(first: 1) { nodes { id } } } "
                 "query B($n: Int) { posts(first: $n) { nodes { title } } }",
        "operationName": "B", "variables": '{"n": 1}'})
    assert response.json == {"data": {"posts": {"nodes": [{"title": "Post 0"}]}}}
    bad = client.get("/graphql", params={"query": "{ __typename }", "variables": "{nope"})
    assert bad.status_code == 400


def test_repeated_queries_skip_parsing(graphql_query, db, monkeypatch):
    from rustforge.contrib.graphql import execution

    calls = []
    real_parse = execution.parse
    monkeypatch.setattr(execution, "parse", lambda *a, **k: calls.append(1) or real_parse(*a, **k))
    query = "{ posts(first: 1) { nodes { id } } } # repeat-test"
    for _ in range(3):
        assert graphql_query(query).status_code == 200
    assert len(calls) == 1


def test_hand_written_type_with_arguments_and_a_field_permission(graphql_query, db, blog,
                                                                 make_user):
    query = '{ stats { postCount authorNames(prefix: "Author 1") } }'
    anonymous = graphql_query(query).json
    assert anonymous["data"] == {"stats": {"postCount": 100, "authorNames": None}}
    assert anonymous["errors"][0]["path"] == ["stats", "authorNames"]
    make_user("boss", is_staff=True)
    staff = graphql_query(query, headers={"Authorization": "Bearer boss:"}).json
    assert staff == {"data": {"stats": {"postCount": 100, "authorNames": ["Author 1"]}}}


def test_type_permission_applies_however_the_object_is_reached(db):
    from rustforge.contrib.graphql import ObjectType, Schema, field, staff

    local = Schema()

    @local.register
    class SecretType(ObjectType):
        permission = staff

        @field("String!")
        def code(obj, info):
            return "42"

    @local.query("Secret")
    def secret(root, info):
        return SecretType()

    class Boss:
        is_authenticated, is_staff = True, True

    refused = local.execute("{ secret { code } }")
    assert refused["data"] == {"secret": None}
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert local.execute("{ secret { code } }", user=Boss()) == {
        "data": {"secret": {"code": "42"}}}
