"""The jobs app: a staff-only dashboard of the rq queues."""

from __future__ import annotations

from rustforge.apps import AppConfig


class JobsConfig(AppConfig):
    name = "rustforge.contrib.jobs"
    label = "jobs"
    verbose_name = "Background jobs dashboard"
    url_prefix = "/_jobs"
