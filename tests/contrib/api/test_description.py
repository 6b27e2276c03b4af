"""The API description is built once per process; with DEBUG on, per request."""

import pytest

from rustforge.contrib.api import resources
from rustforge.services import services


@pytest.fixture
def builds(monkeypatch):
    count = {"n": 0}
    original = resources.build_openapi

    def counting(*args, **kwargs):
        count["n"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(resources, "build_openapi", counting)
    services.reset("api.openapi")
    yield count
    services.reset("api.openapi")


def test_document_and_page_are_built_once(builds, client, settings):
    settings.DEBUG = False
    for _ in range(2):
        assert client.get("/api/docs", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/api/openapi.json").status_code == 200
    assert builds["n"] == 1


def test_a_changed_title_is_served(builds, client, settings):
    settings.DEBUG = False
    client.get("/api/openapi.json")
    settings.API_TITLE = "Renamed"
    assert client.get("/api/openapi.json").json["info"]["title"] == "Renamed"
    assert "Renamed" in client.get("/api/docs", headers={"Accept": "text/html"}).text
    assert builds["n"] == 2


def test_debug_rebuilds_on_every_request(builds, client, settings):
    settings.DEBUG = True
    client.get("/api/docs", headers={"Accept": "text/html"})
    client.get("/api/docs", headers={"Accept": "text/html"})
    assert builds["n"] == 2
