import pytest


@pytest.mark.parametrize("kind,status,location", [
    ("name", 302, "/items/7"),
    ("permanent", 301, "/echo"),
    ("307", 307, "https://example.com/x?y=1"),
    ("303", 303, "/"),
])
def test_redirect(client, kind, status, location):
    response = client.get("/go", params={"kind": kind})
    assert response.status_code == status
    assert response.headers["location"] == location
    assert response.headers["x-frame-options"] == "DENY"  # middleware still ran


def test_redirect_is_followed_by_the_test_client(client):
    assert client.get("/go", follow_redirects=True).json == {"id": 7}


def test_redirect_to_an_unknown_route_is_a_server_error_not_a_redirect(client, caplog):
    response = client.get("/go", params={"kind": "broken"})
    assert response.status_code == 500
    assert "nope-no-such-route" in caplog.text


def test_resolve_url_rejects_params_with_a_path():
    from rustforge.http.redirects import resolve_url

    with pytest.raises(TypeError):
        resolve_url("/x", id=1)
