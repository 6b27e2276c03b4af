"""System checks of the GraphQL set-up."""

from __future__ import annotations

from rustforge.checks import Error, Warning, register

_POSITIVE = ("GRAPHQL_MAX_DEPTH", "GRAPHQL_MAX_COST", "GRAPHQL_MAX_TOKENS",
             "GRAPHQL_MAX_QUERY_LENGTH", "GRAPHQL_PAGE_SIZE", "GRAPHQL_MAX_PAGE_SIZE")


@register("graphql")
def check_limits(app_configs=None, **kwargs):
    from rustforge.conf import settings

    messages = []
    for name in (*_POSITIVE, "GRAPHQL_MAX_ALIASES", "GRAPHQL_DOCUMENT_CACHE_SIZE"):
        value = getattr(settings, name)
        low = 1 if name in _POSITIVE else 0
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            messages.append(Error(f"{name} must be a whole number of at least {low}, "
                                  f"not {value!r}", id="graphql.E001"))
    if not messages and settings.GRAPHQL_PAGE_SIZE > settings.GRAPHQL_MAX_PAGE_SIZE:
        messages.append(Error("GRAPHQL_PAGE_SIZE is larger than GRAPHQL_MAX_PAGE_SIZE",
                              hint="The default page must fit under the largest one.",
                              id="graphql.E002"))
    if not messages and settings.GRAPHQL_MAX_COST < settings.GRAPHQL_MAX_PAGE_SIZE:
        messages.append(Warning("GRAPHQL_MAX_COST is below GRAPHQL_MAX_PAGE_SIZE: a full page "
                                "of one field is already over the cost limit",
                                id="graphql.W002"))
    return messages


@register("graphql")
def check_schema(app_configs=None, **kwargs):
    from rustforge.contrib.graphql.registry import get_schema
    from rustforge.exceptions import ImproperlyConfigured

    try:
        get_schema()
    except ImproperlyConfigured as exc:
        return [Error(f"The GraphQL schema cannot be built: {exc}", id="graphql.E003")]
    return []


@register("graphql")
def check_csrf(app_configs=None, **kwargs):
    from rustforge.conf import settings

    middleware = list(settings.MIDDLEWARE)
    sessions = any(path.endswith(".SessionMiddleware") for path in middleware)
    if sessions and not any(path.endswith(".CsrfMiddleware") for path in middleware):
        return [Warning("Sessions are on without CsrfMiddleware: another site could run "
                        "GraphQL mutations with a visitor's session cookie",
                        hint="Add rustforge.contrib.auth.csrf.CsrfMiddleware to MIDDLEWARE.",
                        id="graphql.W003")]
    return []


@register("graphql", deploy=True)
def check_introspection(app_configs=None, **kwargs):
    from rustforge.conf import settings
    from rustforge.contrib.graphql.execution import introspection_enabled

    if not settings.DEBUG and introspection_enabled():
        return [Warning("GraphQL introspection is on with DEBUG off: anyone can read the "
                        "whole schema", hint="Set GRAPHQL_INTROSPECTION = False in production "
                        "(or leave it None to follow DEBUG).", id="graphql.W001")]
    return []
