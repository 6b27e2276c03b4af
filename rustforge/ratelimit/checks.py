"""System checks of the rate-limit settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any

from rustforge.checks import Error, register


@register("ratelimit")
def check_ratelimits(app_configs: Any, **kwargs: Any) -> list:
    from rustforge.conf import settings
    from rustforge.exceptions import ImproperlyConfigured
    from rustforge.ratelimit.rules import Rule

    errors = []
    rules = settings.RATELIMITS or {}
    if not isinstance(rules, dict):
        return [Error("RATELIMITS must be a dict of name -> rule", id="ratelimit.E001")]
    for name, spec in rules.items():
        try:
            Rule(name, spec)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="ratelimit.E001"))
    if rules and "rustforge.ratelimit.RateLimitMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("RATELIMITS is set but RateLimitMiddleware is not in MIDDLEWARE, "
                            "so no rule is applied",
                            hint="add 'rustforge.ratelimit.RateLimitMiddleware' to MIDDLEWARE",
                            id="ratelimit.E002"))
    return errors
