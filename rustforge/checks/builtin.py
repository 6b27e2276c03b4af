"""The checks of the layers below ``checks``: models and the deploy basics.

The subsystems above (``http``, ``cache``, ``queue``, ``ratelimit``) register
their own checks when imported; this module imports none of them.
"""

from __future__ import annotations

from rustforge.checks import Error, Warning, register
from rustforge.conf import settings


@register("core")
def check_models(app_configs, **kwargs):
    messages = []
    tables: dict[str, str] = {}
    for config in app_configs or []:
        for model in config.models:
            table = model._meta.table_name
            owner = f"{config.label}.{model.__name__}"
            if table in tables:
                messages.append(Error(
                    f"table {table!r} is used by both {tables[table]} and {owner}",
                    hint="Set Meta.table_name on one of them.", id="models.E001"))
            tables[table] = owner
    return messages


@register("security", deploy=True)
def check_deploy_basics(app_configs, **kwargs):
    messages = []
    if settings.DEBUG:
        messages.append(Warning("DEBUG is on; never deploy with it",
                                hint="Set DEBUG=0 in the environment.", id="security.W001"))
    if not settings.ALLOWED_HOSTS:
        messages.append(Error("ALLOWED_HOSTS is empty; every request would be refused",
                              hint="Set ALLOWED_HOSTS=example.com", id="security.E002"))
    if len(settings.SECRET_KEY or "") < 32:
        messages.append(Warning("SECRET_KEY is shorter than 32 characters",
                                hint="Generate one with `rustforge newsecret`.",
                                id="security.W003"))
    return messages
