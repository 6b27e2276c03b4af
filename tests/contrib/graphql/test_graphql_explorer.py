"""The explorer page: served from the package in DEBUG, absent otherwise."""

import pytest


def test_explorer_only_in_debug(client, settings, db):
    settings.DEBUG = False
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 400  # no query: a GraphQL error, not a page
    settings.DEBUG = True
    client = type(client)(client.app)
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "/static/graphql/explorer.js" in page.text
    assert "https://" not in page.text  # nothing from a CDN
    script = client.get("/static/graphql/explorer.js")
    assert script.status_code == 200 and "X-CSRFToken" in script.text


@pytest.mark.slow
def test_explorer_runs_a_query_in_the_browser(browser, live_server, settings):
    from testproject.gqlblog.models import Author, Post

    settings.DEBUG = True
    Post.create(title="Seen in the browser", author=Author.create(name="Ada"))
    page = browser.new_page()
    page.goto(f"{live_server.url}/graphql")
    page.wait_for_selector("#types details[data-name=post]")
    page.fill("#query", "{ posts { nodes { title author { name } } } }")
    page.click("#run")
    page.wait_for_function("document.getElementById('result').textContent.length > 0")
    assert "Seen in the browser" in page.text_content("#result")
    assert page.text_content("#status") == "(200)"
