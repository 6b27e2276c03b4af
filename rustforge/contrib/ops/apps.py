"""The ops app: deploy checks and the doctor command."""

from __future__ import annotations

from rustforge.apps import AppConfig


class OpsConfig(AppConfig):
    name = "rustforge.contrib.ops"
    label = "ops"
    verbose_name = "Operations"
    url_prefix = ""
