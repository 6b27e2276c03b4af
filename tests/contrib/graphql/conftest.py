"""The GraphQL tests run the test project with auth, CSRF and a stand-in for
the OAuth app's bearer authentication (testproject.gqlblog.middleware)."""

import pytest

GRAPHQL_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "testproject.gqlblog.middleware.FakeTokenMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]


@pytest.fixture(autouse=True)
def graphql_settings(settings, locmem_cache):
    settings.MIDDLEWARE = GRAPHQL_MIDDLEWARE
    settings.PASSWORD_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}
    settings.GRAPHQL_INTROSPECTION = True
    return settings


@pytest.fixture
def blog():
    """Three authors, 100 posts with two comments each (committed or not,
    depending on the test's database fixture)."""
    from testproject.gqlblog.models import Author, Comment, Post

    authors = [Author.create(name=f"Author {i}", email=f"a{i}@example.com") for i in range(3)]
    posts = [{"title": f"Post {i}", "body": "one two three", "author": authors[i % 3].id}
             for i in range(100)]
    Post.insert_many(posts).execute()
    rows = list(Post.select().order_by(Post.id))
    Comment.insert_many([{"post": p.id, "author": authors[(p.id + k) % 3].id,
                          "body": f"Comment {k} on {p.title}"}
                         for p in rows for k in range(2)]).execute()
    return {"authors": authors, "posts": rows}
