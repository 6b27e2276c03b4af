"""Cookie-authenticated requests: CSRF applies to POSTs; GET cannot mutate."""

import pytest

CREATE = ('mutation($a: ID) { createPost(input: {title: "From a cookie", author: $a}) '
          '{ title } }')


@pytest.fixture
def logged_in(client, make_user, login, db):
    from testproject.gqlblog.models import Author

    login(client, make_user("ada"))
    return Author.create(name="Ada")


def test_same_site_cookie_post_with_token_works(client, logged_in):
    response = client.post("/graphql", json={"query": CREATE, "variables": {"a": logged_in.id}},
                           headers={"Origin": "http://testserver"})
    assert response.status_code == 200, response.text
    assert response.json["data"]["createPost"] == {"title": "From a cookie"}


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://testserver", "X-CSRFToken": ""},
    {"Origin": "null"},
])
def test_cross_site_cookie_post_is_refused(client, logged_in, headers):
    if "X-CSRFToken" in headers:
        client.default_headers.pop("X-CSRFToken", None)
    response = client.post("/graphql", json={"query": CREATE, "variables": {"a": logged_in.id}},
                           headers=headers)
    assert response.status_code == 403
    assert "CSRF" in response.json["title"]
    from testproject.gqlblog.models import Post

    assert not Post.select().exists()


def test_form_encoded_cross_site_post_is_refused(client, db):
    # A cross-site <form> can send text/plain or urlencoded without a preflight.
    response = client.post("/graphql", body=b'{"query": "{ __typename }"}',
                           headers={"Content-Type": "text/plain",
                                    "Origin": "https://evil.example"})
    assert response.status_code == 403


def test_cookie_get_cannot_mutate(client, logged_in):
    query = (f'mutation {{ createPost(input: {{title: "x", author: "{logged_in.id}"}}) '
             f'{{ title }} }}')
    response = client.get("/graphql", params={"query": query})
    assert response.status_code == 405
    from testproject.gqlblog.models import Post

    assert not Post.select().exists()


def test_bearer_requests_need_no_csrf_token(client, make_user, db):
    from testproject.gqlblog.models import Author

    make_user("bot")
    author = Author.create(name="Bot")
    response = client.post("/graphql", json={"query": CREATE, "variables": {"a": author.id}},
                           headers={"Authorization": "Bearer bot:read write",
                                    "Origin": "https://elsewhere.example"})
    assert response.json["data"]["createPost"] == {"title": "From a cookie"}
