def test_welcome_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "The forge is hot." in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_app_routes_are_mounted_under_prefix(client, db):
    assert client.post("/notes", json={"title": "first"}).status_code == 201
    listing = client.get("/notes").json
    assert [n["title"] for n in listing] == ["first"]


def test_database_blocked_without_fixture(client):
    response = client.get("/notes")
    assert response.status_code == 500


def test_live_server_serves_over_real_http(live_server):
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/") as response:
        assert response.status == 200
        assert b"The forge is hot." in response.read()
    with urllib.request.urlopen(live_server.url + "/notes") as response:
        assert response.status == 200  # live_server implies transactional_db
