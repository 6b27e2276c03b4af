"""The route table is collected once per process, not once per consumer."""

import pytest

from rustforge.apps import AppConfig
from rustforge.http import create_app, reverse
from rustforge.services import services


@pytest.fixture
def collections(monkeypatch):
    """How many times each app's routes module was read."""
    counts: dict[str, int] = {}
    original = AppConfig.get_routes

    def counting(self):
        counts[self.label] = counts.get(self.label, 0) + 1
        return original(self)

    monkeypatch.setattr(AppConfig, "get_routes", counting)
    services.reset("reverser")
    yield counts
    services.reset("reverser")


def test_app_reverse_and_openapi_share_one_collection(collections, client):
    from rustforge.resources.openapi import build_openapi

    create_app()
    assert reverse("api:openapi") == "/api/openapi.json"
    build_openapi()
    assert client.get("/api/openapi.json").status_code == 200
    assert collections["api"] == 1


def test_a_routing_setting_change_collects_again(collections, settings):
    create_app()
    settings.URL_PREFIXES = {"api": "/v2"}
    assert reverse("api:openapi") == "/v2/openapi.json"
    assert collections["api"] == 2
