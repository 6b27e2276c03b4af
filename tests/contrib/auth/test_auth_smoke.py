def test_login_page_renders(client, db):
    response = client.get("/accounts/login")
    assert response.status_code == 200, response.text
    assert 'name="csrf_token"' in response.text
    assert "csrftoken" in client.cookies


def test_login_me_logout(client, db, make_user, login):
    ada = make_user("ada")
    login(client, ada)
    assert client.get("/accounts/me").json["username"] == "ada"
    assert client.post("/accounts/logout", json={}).status_code == 200
    assert client.get("/accounts/me").status_code == 401


def test_login_logout_signals_and_last_login(client, make_user, login):
    from rustforge.events.signals import user_logged_in, user_logged_out

    seen = []

    def on_in(sender, user, **kwargs):
        seen.append(("in", user.username))

    def on_out(sender, user, **kwargs):
        seen.append(("out", user.username))

    user_logged_in.connect(on_in)
    user_logged_out.connect(on_out)
    try:
        ada = make_user("ada")
        assert ada.last_login is None
        login(client, ada)
        client.post("/accounts/logout", json={})
    finally:
        user_logged_in.disconnect(on_in)
        user_logged_out.disconnect(on_out)
    assert seen == [("in", "ada"), ("out", "ada")]
    assert type(ada).get_by_id(ada.id).last_login is not None


def test_middleware_order_check(settings):
    from rustforge.contrib.auth.checks import check_middleware

    settings.MIDDLEWARE = ["rustforge.contrib.auth.middleware.AuthenticationMiddleware",
                           "rustforge.contrib.auth.middleware.SessionMiddleware"]
    ids = {m.id for m in check_middleware(None)}
    assert ids == {"auth.E001", "auth.W002"}
    settings.MIDDLEWARE = ["rustforge.contrib.auth.middleware.SessionMiddleware",
                           "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
                           "rustforge.contrib.auth.csrf.CsrfMiddleware"]
    assert check_middleware(None) == []


def test_deploy_check_warns_about_insecure_cookies(settings):
    from rustforge.checks import run_checks

    ids = {m.id for m in run_checks(include_deploy=True)}
    assert {"auth.W010", "auth.W011"} <= ids
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    ids = {m.id for m in run_checks(include_deploy=True)}
    assert not {"auth.W010", "auth.W011"} & ids
