"""The admin tests run the test project with the auth middleware installed."""

import pytest

AUTH_MIDDLEWARE = [
    "rustforge.http.middleware.SecurityMiddleware",
    "rustforge.contrib.auth.middleware.SessionMiddleware",
    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
    "rustforge.contrib.auth.csrf.CsrfMiddleware",
]
FAST_ARGON2 = {"memory_cost": 1024, "rounds": 1, "parallelism": 1}


@pytest.fixture(autouse=True)
def admin_settings(settings, locmem_cache):
    settings.MIDDLEWARE = AUTH_MIDDLEWARE
    settings.PASSWORD_ARGON2 = FAST_ARGON2
    return settings


@pytest.fixture
def blog(db):
    """A few authors, categories and posts."""
    from testproject.blog.models import Author, Category, Comment, Post

    ada = Author.create(name="Ada Lovelace", email="ada@example.com")
    bob = Author.create(name="Bob Stone", email="bob@example.com")
    news = Category.create(name="News")
    posts = [Post.create(title=f"Post {i:02d}", body=" ".join(["one two three"] * (i % 3 + 1)),
                         author=ada if i % 2 else bob, category=news if i % 3 else None,
                         status=["draft", "review", "published"][i % 3],
                         published=i % 3 == 2)
             for i in range(1, 31)]
    Comment.create(post=posts[0], name="Carol", body="Nice one")
    return {"ada": ada, "bob": bob, "news": news, "posts": posts}


@pytest.fixture
def staff_client(client, make_user, login):
    """A client logged in as staff with no permission at all (``client.user``)."""
    user = make_user("staffer", is_staff=True)
    login(client, user)
    client.user = user
    return client
