"""The ops app: deploy checks and the doctor command."""

from __future__ import annotations

from rustforge.apps import AppConfig


class OpsConfig(AppConfig):
    name = "rustforge.contrib.ops"
    label = "ops"
    verbose_name = "Operations"
    url_prefix = ""

    def ready(self) -> None:
        from rustforge.events.signals import oauth_token_issued
        from rustforge.logging import get_request_id, request_id
        from rustforge.queue import context

        # A job logs with the id of the request that enqueued it.
        context.register("request_id", capture=get_request_id, enter=request_id)
        # The OAuth server announces tokens with a core signal; counting them
        # here keeps the two apps apart.
        oauth_token_issued.connect(_count_oauth_token, weak=False)


def _count_oauth_token(sender: object = None, grant_type: str = "", **kwargs: object) -> None:
    from rustforge.metrics import count_oauth_token

    count_oauth_token(str(grant_type or "unknown"))
