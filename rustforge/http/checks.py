"""The web layer's checks, registered with ``rustforge.checks`` when ``rustforge.http`` loads."""

from __future__ import annotations

from typing import Any

from rustforge.apps import apps
from rustforge.checks import Error, register
from rustforge.conf import settings
from rustforge.http.routing import Reverser, collect_routes


@register("core")
def check_routes(app_configs: Any, **kwargs: Any) -> list:
    """The route modules import and every route name is unique."""
    try:
        Reverser(collect_routes(settings, apps))
    except Exception as exc:  # noqa: BLE001 - any failure here is the check's finding
        return [Error(f"routes cannot be loaded: {exc}", id="urls.E001")]
    return []
