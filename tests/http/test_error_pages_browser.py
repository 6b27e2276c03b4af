"""A real headless Chromium gets HTML error pages (its own Accept header), and
the debug page only with DEBUG on."""

import pytest

pytestmark = pytest.mark.slow


def serve(settings, debug):
    """A live server built after the DEBUG change (live_server builds at setup)."""
    from rustforge.http import get_wsgi_application
    from rustforge.testing.plugin import LiveServer

    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    return LiveServer(get_wsgi_application())


@pytest.mark.parametrize("debug", [False, True])
def test_browser_sees_html_pages(browser, settings, transactional_db, debug):
    server = serve(settings, debug)
    try:
        page = browser.new_page()
        response = page.goto(server.url + "/no-such-page")
        assert response.status == 404
        assert response.headers["content-type"].startswith("text/html")
        assert page.text_content("h1") == "404 Not Found"

        response = page.goto(server.url + "/boom")
        assert response.status == 500
        assert response.headers["content-type"].startswith("text/html")
        text = page.text_content("body")
        if debug:
            assert "RuntimeError: kaboom: secret detail" in page.text_content("h1")
            assert "Traceback (most recent call last)" in text
        else:
            assert page.text_content("h1") == "500 Internal Server Error"
            assert "kaboom" not in text and "Traceback" not in text

        response = page.goto(server.url + "/")
        assert response.status == 200
        assert page.text_content("h1") == "The forge is hot."
    finally:
        server.stop()
