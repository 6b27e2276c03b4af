"""One-time messages: kept in the session, shown once after a redirect, bounded, escaped."""

import json

import pytest

from rustforge.contrib.auth import messages
from rustforge.contrib.auth.models import Session
from rustforge.testing.client import Client


@pytest.fixture(autouse=True)
def message_templates(auth_settings):
    auth_settings.TEMPLATE_CONTEXT_PROCESSORS = ["rustforge.contrib.auth.context_processors.auth"]
    return auth_settings


def post_note(client, text, **fields):
    if "csrftoken" not in client.cookies:
        client.get("/authdemo/transfer")  # a form page that shows no messages
    return client.post("/authdemo/notes", data={"text": text, **fields,
                                                "csrf_token": client.cookies["csrftoken"]})


def shown(html):
    """The texts of the messages on a notes page, in order."""
    return [part.split(">", 1)[1].split("</p>", 1)[0]
            for part in html.split('<p class="message ')[1:]]


def request_with_session():
    """A bare request with an empty session, as SessionMiddleware gives a responder."""
    from falcon import testing

    from rustforge.contrib.auth.sessions import Session as RequestSession
    from rustforge.contrib.auth.sessions import get_backend

    req = testing.create_req()
    req.context.session = RequestSession(get_backend())
    return req


def stored_messages():
    (row,) = Session.select()
    return json.loads(row.data).get(messages.SESSION_KEY)


def test_message_survives_the_redirect_and_is_shown_once(client, db):
    response = post_note(client, "Note saved.")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/authdemo/notes")
    assert stored_messages() == [[messages.SUCCESS, "Note saved.", ""]]
    page = client.get("/authdemo/notes")
    assert shown(page.text) == ["Note saved."]
    assert '<p class="message success">' in page.text
    assert shown(client.get("/authdemo/notes").text) == []
    assert stored_messages() is None


def test_levels_tags_and_minimum_level(client, settings, db):
    post_note(client, "hidden detail", level=str(messages.DEBUG))
    post_note(client, "careful", level=str(messages.WARNING), tags="sticky")
    page = client.get("/authdemo/notes").text
    assert shown(page) == ["careful"]
    assert '<p class="message sticky warning">' in page
    settings.MESSAGE_LEVEL = messages.DEBUG
    settings.MESSAGE_TAGS = {messages.ERROR: "danger"}
    post_note(client, "now kept", level=str(messages.DEBUG))
    post_note(client, "broken", level=str(messages.ERROR))
    page = client.get("/authdemo/notes").text
    assert shown(page) == ["now kept", "broken"]
    assert '<p class="message debug">' in page and '<p class="message danger">' in page


def test_messages_keep_their_order_across_several_requests(client, db):
    for text in ("one", "two", "three"):
        post_note(client, text)
    assert shown(client.get("/authdemo/notes").text) == ["one", "two", "three"]


def test_html_in_a_message_is_escaped(client, db):
    post_note(client, '<script>alert("x")</script><b>bold</b>', tags='"><img src=x onerror=1>')
    page = client.get("/authdemo/notes").text
    assert "<script>" not in page and "<b>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_loop_cannot_grow_the_session_without_limit(client, settings, db):
    settings.MESSAGE_MAX_COUNT = 3
    settings.MESSAGE_MAX_LENGTH = 50
    for number in range(8):
        post_note(client, f"message {number} " + "x" * 10_000)
    stored = stored_messages()
    assert len(stored) == 3 and all(len(text) == 50 for _, text, _ in stored)
    texts = shown(client.get("/authdemo/notes").text)
    assert [t.split()[1] for t in texts] == ["5", "6", "7"]   # the newest are kept
    assert all(t.endswith("…") for t in texts)


def test_default_bounds_hold_for_a_megabyte_of_text(client, db):
    post_note(client, "y" * 1_000_000)
    (_, text, _), = stored_messages()
    assert len(text) == 1000


def test_non_string_text_is_shown_as_text(app, db):
    req = request_with_session()
    assert messages.info(req, 42) and messages.info(req, None) and messages.error(req, ["<a>"])
    assert [str(m) for m in messages.get_messages(req)] == ["42", "None", "['<a>']"]
    with pytest.raises(TypeError, match="message level must be an int"):
        messages.add(req, "error", "text")


def test_set_level_changes_the_minimum_for_one_request(app, db):
    req = request_with_session()
    assert messages.get_level(req) == messages.INFO
    messages.set_level(req, messages.DEBUG)
    assert messages.debug(req, "kept now")
    messages.set_level(req, messages.ERROR)
    assert not messages.warning(req, "below error")
    messages.set_level(req, None)
    assert messages.info(req, "the setting again")
    assert [str(m) for m in messages.get_messages(req)] == ["kept now", "the setting again"]
    assert messages.get_level(request_with_session()) == messages.INFO  # per request only
    with pytest.raises(TypeError):
        messages.set_level(req, "debug")


def test_a_session_from_elsewhere_with_junk_under_the_key_is_ignored(app, db):
    req = request_with_session()
    req.context.session[messages.SESSION_KEY] = [[25, "ok", ""], "junk", [1, 2], {"a": 1}]
    assert [str(m) for m in messages.get_messages(req)] == ["ok"]
    req.context.session[messages.SESSION_KEY] = "not a list"
    assert messages.get_messages(req) == [messages.Message(25, "ok")]  # the earlier read only
    assert messages.success(req, "new") and str(messages.get_messages(req)[-1]) == "new"


def test_bearer_request_stores_nothing_and_sets_no_cookie(client, make_user, monkeypatch, db):
    from rustforge.contrib.auth import bearer

    ada = make_user("ada")

    def known_token(req):  # a token app, as rustforge.contrib.oauth plugs in
        req.context.user = ada
        return True

    monkeypatch.setattr(bearer, "_backends", [known_token])
    response = client.post("/authdemo/notes", json={"text": "hello"},
                           headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 200
    assert response.json == {"stored": False}
    assert "sessionid" not in client.cookies
    assert Session.select().count() == 0


def test_without_session_middleware_adding_is_a_no_op(settings, db):
    from falcon import testing

    req = testing.create_req()
    assert messages.success(req, "nowhere to keep it") is False
    assert messages.get_messages(req) == []


@pytest.mark.parametrize("engine", ["db", "cache-memcached", "cache-redis"])
def test_messages_work_with_each_session_engine(settings, request, engine):
    from rustforge.cache import create_cache
    from rustforge.http import get_wsgi_application
    from rustforge.services import services

    if engine == "db":
        request.getfixturevalue("db")
    else:
        url = (request.getfixturevalue("memcached").url if engine == "cache-memcached"
               else request.getfixturevalue("redis_cache").url)
        override = services.override("cache", create_cache(url))
        override.__enter__()
        request.addfinalizer(lambda: override.__exit__(None, None, None))
        settings.SESSION_ENGINE = "cache"
    client = Client(get_wsgi_application())
    post_note(client, "<kept> across the redirect")
    assert shown(client.get("/authdemo/notes").text) == ["&lt;kept&gt; across the redirect"]
    assert shown(client.get("/authdemo/notes").text) == []


def test_auth_pages_confirm_ending_a_session_and_turning_off_two_factor(app, make_user, db):
    from rustforge.contrib.auth import totp
    from rustforge.contrib.auth.models import TOTPDevice

    ada = make_user("ada", password="correct horse battery staple")
    phone, laptop = Client(app), Client(app)
    for c in (phone, laptop):
        c.get("/accounts/login")
        c.post("/accounts/login", data={"username": "ada", "csrf_token": c.cookies["csrftoken"],
                                        "password": "correct horse battery staple"})
    sessions = laptop.get("/accounts/sessions", headers={"Accept": "application/json"}).json
    other = next(s["id"] for s in sessions["sessions"] if not s["current"])
    response = laptop.post(f"/accounts/sessions/{other}/revoke",
                           data={"csrf_token": laptop.cookies["csrftoken"]})
    assert response.status_code == 303
    page = laptop.get("/accounts/sessions").text
    assert page.count("The session was ended.") == 1
    assert "The session was ended." not in laptop.get("/accounts/sessions").text

    device = TOTPDevice(user=ada.id, confirmed=True)
    device.set_secret(totp.new_secret())
    device.save(force_insert=True)
    response = laptop.post("/accounts/2fa/disable", data={
        "csrf_token": laptop.cookies["csrftoken"], "password": "correct horse battery staple"})
    assert response.status_code == 303
    assert "Two-factor authentication is off." in laptop.get("/accounts/2fa").text


@pytest.mark.slow
def test_browser_sees_the_message_once_after_the_form_redirect(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server.url}/authdemo/notes")
    assert page.locator(".message").count() == 0
    page.fill("#text", "<script>document.title='pwned'</script>Saved!")
    with page.expect_navigation():
        page.click("#save")
    assert page.url == f"{live_server.url}/authdemo/notes"     # the GET after the 303
    assert page.text_content(".message.success") == "<script>document.title='pwned'</script>Saved!"
    assert page.title() == "Notes"                              # the script did not run
    page.reload()
    assert page.locator(".message").count() == 0


@pytest.mark.parametrize("text", ["\ud800 lone surrogate", "nul \x00 byte", "\U0001f600 emoji"])
def test_text_no_database_or_page_can_hold_is_made_safe(client, text, db):
    client.post("/authdemo/notes", body=json.dumps({"text": text}),
                content_type="application/json")
    page = client.get("/authdemo/notes")
    assert page.status_code == 200
    (html,) = shown(page.text)
    assert html == text.replace("\ud800", "\ufffd").replace("\x00", "\ufffd")


@pytest.mark.parametrize(("name", "value"), [
    ("MESSAGE_LEVEL", "INFO"), ("MESSAGE_LEVEL", None), ("MESSAGE_MAX_COUNT", 0),
    ("MESSAGE_MAX_LENGTH", "1000"), ("MESSAGE_TAGS", {"error": "danger"}),
    ("MESSAGE_TAGS", [(40, "danger")])])
def test_check_reports_message_settings_that_would_fail_every_add(settings, name, value):
    from rustforge.checks import run_checks

    assert "auth.E007" not in {m.id for m in run_checks()}
    setattr(settings, name, value)
    (error,) = [m for m in run_checks() if m.id == "auth.E007"]
    assert name in error.msg
