"""The ops app: deploy checks and the doctor command."""

from __future__ import annotations

from rustforge.apps import AppConfig


class OpsConfig(AppConfig):
    name = "rustforge.contrib.ops"
    label = "ops"
    verbose_name = "Operations"
    url_prefix = ""

    def ready(self) -> None:
        from rustforge.logging import get_request_id, request_id
        from rustforge.queue import context

        # A job logs with the id of the request that enqueued it.
        context.register("request_id", capture=get_request_id, enter=request_id)
