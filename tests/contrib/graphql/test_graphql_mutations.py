"""Mutations: forms validate, errors carry field paths, permissions and scopes apply."""

import json

import pytest

WRITER = {"Authorization": "Bearer writer:read write"}
CREATE = """mutation($input: CreatePostInput!) {
  createPost(input: $input) { id title published author { name } }
}"""


@pytest.fixture
def author(db):
    from testproject.gqlblog.models import Author

    return Author.create(name="Ada")


@pytest.fixture
def writer(make_user):
    return make_user("writer")


def test_create_update_delete(graphql_query, author, writer, make_user):
    created = graphql_query(CREATE, {"input": {"title": "Hello", "body": "a b",
                                               "author": str(author.id)}}, headers=WRITER)
    assert created.status_code == 200, created.text
    post = created.json["data"]["createPost"]
    assert post["title"] == "Hello" and post["author"] == {"name": "Ada"}
    assert post["published"] is False

    updated = graphql_query(
        'mutation($id: ID!) { updatePost(id: $id, input: {published: true}) '
        '{ title published } }', {"id": post["id"]}, headers=WRITER)
    assert updated.json["data"]["updatePost"] == {"title": "Hello", "published": True}

    delete = 'mutation($id: ID!) { deletePost(id: $id) }'
    refused = graphql_query(delete, {"id": post["id"]}, headers=WRITER).json
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    make_user("boss", is_staff=True)
    done = graphql_query(delete, {"id": post["id"]},
                         headers={"Authorization": "Bearer boss:write"}).json
    assert done["data"] == {"deletePost": post["id"]}
    from testproject.gqlblog.models import Post

    assert not Post.select().exists()


def test_validation_errors_have_field_paths(graphql_query, author, writer):
    response = graphql_query(CREATE, {"input": {"title": "x" * 200, "author": "999999"}},
                             headers=WRITER)
    body = response.json
    assert response.status_code == 200
    assert body["data"] == {"createPost": None}
    by_field = {e["extensions"]["field"]: e for e in body["errors"]}
    assert set(by_field) == {"title", "author"}
    assert all(e["extensions"]["code"] == "VALIDATION_FAILED" for e in body["errors"])
    assert all(e["path"] == ["createPost"] for e in body["errors"])
    assert "at most 120" in by_field["title"]["message"]
    assert "does not exist" in by_field["author"]["message"]


def test_missing_required_field_is_a_field_error(graphql_query, author, writer):
    body = graphql_query(CREATE, {"input": {"body": "no title"}}, headers=WRITER).json
    fields = {e["extensions"]["field"]: e["message"] for e in body["errors"]}
    assert fields == {"title": "This field is required.", "author": "This field is required."}


def test_duplicate_unique_value_is_a_conflict(graphql_query, author, writer):
    payload = {"input": {"title": "Same", "author": str(author.id)}}
    assert graphql_query(CREATE, payload, headers=WRITER).json["data"]["createPost"]
    error = graphql_query(CREATE, payload, headers=WRITER).json["errors"][0]
    assert error["extensions"] == {"code": "CONFLICT", "field": "title"}


def test_nul_and_surrogates_in_input(client, graphql_query, author, writer):
    body = graphql_query(CREATE, {"input": {"title": "a\x00b", "author": str(author.id)}},
                         headers=WRITER).json
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "title"}
    raw = json.dumps({"query": "mutation($t: String, $a: ID) "
                               "{ createPost(input: {title: $t, author: $a}) { id } }",
                      "variables": {"t": "\ud800", "a": str(author.id)}}).encode()
    response = client.post("/graphql", body=raw,
                           headers={"Content-Type": "application/json", **WRITER})
    assert response.status_code == 400
    assert "surrogate" in response.json["errors"][0]["message"]
    from testproject.gqlblog.models import Post

    assert not Post.select().exists()


def test_anonymous_and_unscoped_requests_are_refused(graphql_query, author, writer):
    payload = {"input": {"title": "Nope", "author": str(author.id)}}
    anonymous = graphql_query(CREATE, payload).json["errors"][0]
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    reader = graphql_query(CREATE, payload,
                           headers={"Authorization": "Bearer writer:read"}).json["errors"][0]
    assert reader["extensions"] == {"code": "FORBIDDEN", "missingScopes": ["write"]}
    from testproject.gqlblog.models import Post

    assert not Post.select().exists()


def test_update_of_a_missing_row(graphql_query, writer, db):
    for key in ["424242", "abc", "\x00"]:
        error = graphql_query('mutation($id: ID!) { updatePost(id: $id, input: {}) { id } }',
                              {"id": key}, headers=WRITER).json["errors"][0]
        assert error["extensions"]["code"] == "NOT_FOUND"


def test_form_mutation(graphql_query, author, writer):
    from testproject.gqlblog.models import Post

    post = Post.create(title="P", author=author)
    mutation = ("mutation($input: AddCommentInput!) "
                "{ addComment(input: $input) { body post { title } author { name } } }")
    good = graphql_query(mutation, {"input": {"postId": post.id, "authorId": author.id,
                                              "body": "Nice"}}, headers=WRITER).json
    assert good["data"]["addComment"] == {"body": "Nice", "post": {"title": "P"},
                                          "author": {"name": "Ada"}}
    spam = graphql_query(mutation, {"input": {"postId": post.id, "authorId": author.id,
                                              "body": "buy SPAM"}}, headers=WRITER).json
    assert spam["errors"][0]["message"] == "No spam, please."
    assert spam["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "body"}
    missing = graphql_query(mutation, {"input": {"postId": 99999, "authorId": author.id,
                                                 "body": "hi"}}, headers=WRITER).json
    assert missing["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED",
                                                  "field": "postId"}


def test_update_permission_gets_the_row(author):
    from testproject.gqlblog.models import Post

    from rustforge.contrib.graphql import ModelType, Schema

    local = Schema()

    class DraftType(ModelType):
        model = Post
        fields = ["id", "title"]

    def owner_only(info, row):
        return row is not None and row.title.startswith(info.context.user.username)

    local.model_mutations(DraftType, actions=("update",), permissions={"update": owner_only})

    class Ada:
        is_authenticated, username = True, "ada"

    mine = Post.create(title="ada: notes", author=author)
    theirs = Post.create(title="bob: notes", author=author)
    query = 'mutation($id: ID!) { updateDraft(id: $id, input: {title: "ada: new"}) { title } }'
    assert local.execute(query, {"id": str(mine.id)}, user=Ada()) == {
        "data": {"updateDraft": {"title": "ada: new"}}}
    refused = local.execute(query, {"id": str(theirs.id)}, user=Ada())
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert Post.get_by_id(theirs.id).title == "bob: notes"
