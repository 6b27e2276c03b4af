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
