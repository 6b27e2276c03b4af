"""A real GraphQL client (gql over HTTP with requests) against a live server."""

import pytest
import requests
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport


@pytest.fixture
def server_blog(live_server, make_user):
    from testproject.gqlblog.models import Author, Comment, Post

    make_user("writer")
    ada = Author.create(name="Ada", email="ada@example.com")
    for i in range(3):
        post = Post.create(title=f"Post {i}", body="one two", author=ada)
        Comment.create(post=post, author=ada, body=f"Comment on {i}")
    return live_server, ada


def client_for(server, token=None, fetch_schema=True):
    headers = {"Authorization": f"Bearer {token}"} if token else None
    transport = RequestsHTTPTransport(url=f"{server.url}/graphql", headers=headers, timeout=10)
    return Client(transport=transport, fetch_schema_from_transport=fetch_schema)


def request(text, **variables):
    query = gql(text)
    query.variable_values = variables
    return query


def test_queries_mutations_and_introspection(server_blog):
    server, ada = server_blog
    with client_for(server, "writer:read write") as session:
        # fetch_schema_from_transport ran the introspection query; gql validates against it.
        assert "Post" in session.client.schema.type_map
        result = session.execute(request(
            "query($n: Int) { posts(first: $n) { nodes { title wordCount author { name } "
            "comments { nodes { body } } } pageInfo { hasNextPage } } }", n=2))
        assert result["posts"]["nodes"][1] == {
            "title": "Post 1", "wordCount": 2, "author": {"name": "Ada"},
            "comments": {"nodes": [{"body": "Comment on 1"}]}}
        assert result["posts"]["pageInfo"]["hasNextPage"] is True
        create = request(
            "mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }",
            input={"title": "Over HTTP", "author": str(ada.id)})
        created = session.execute(create)
        assert created["createPost"]["title"] == "Over HTTP"
        with pytest.raises(TransportQueryError) as failed:
            session.execute(create)
        assert failed.value.errors[0]["extensions"] == {"code": "CONFLICT", "field": "title"}


def test_anonymous_users_see_no_emails(server_blog):
    server, _ = server_blog
    with client_for(server, fetch_schema=False) as session:
        with pytest.raises(TransportQueryError) as hidden:
            session.execute(gql("{ authors { nodes { name email } } }"))
        assert hidden.value.data == {"authors": {"nodes": [{"name": "Ada", "email": None}]}}
        assert hidden.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_get_over_http_runs_queries_only(server_blog):
    # gql's transports send a body even with GET; GraphQL over HTTP's GET uses the URL.
    server, _ = server_blog
    url = f"{server.url}/graphql"
    query = requests.get(url, params={"query": "{ posts(first: 1) { nodes { title } } }"},
                         timeout=10)
    assert query.json() == {"data": {"posts": {"nodes": [{"title": "Post 0"}]}}}
    refused = requests.get(url, params={"query": 'mutation { deletePost(id: "1") }'},
                           timeout=10)
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "POST"
