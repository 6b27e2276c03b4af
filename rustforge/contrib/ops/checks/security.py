"""Deploy checks of the security settings (``security.W004`` and up).

The core checks DEBUG, ALLOWED_HOSTS and the SECRET_KEY length
(``security.W001``-``W003``); auth checks its cookies and passwords.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from rustforge.checks import Error, Warning, register
from rustforge.conf import settings

# Prefixes of keys copied from tutorials and generators' placeholders.
_PLACEHOLDERS = ("django-insecure", "change-me", "changeme", "secret", "your-secret", "dev-",
                 "insecure", "test-secret", "xxx")
_REFERRER_POLICIES = {"no-referrer", "no-referrer-when-downgrade", "origin",
                      "origin-when-cross-origin", "same-origin", "strict-origin",
                      "strict-origin-when-cross-origin", "unsafe-url"}


def weak_secret(key: str) -> str | None:
    """Why ``key`` is weak (beyond its length), or None."""
    if not key:
        return "it is empty"
    if len(set(key)) < 5:
        return "it has fewer than 5 distinct characters"
    if key.lower().startswith(_PLACEHOLDERS):
        return "it looks like a placeholder or an example key"
    return None


def _middleware() -> list[str]:
    return list(settings.MIDDLEWARE)


@register("security", deploy=True)
def check_secret_strength(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    why = weak_secret(settings.SECRET_KEY or "")
    if why and settings.SECRET_KEY:
        messages.append(Warning(f"SECRET_KEY is weak: {why}",
                                hint="Generate one with `rustforge newsecret` and set SECRET_KEY "
                                     "in the environment.", id="security.W004"))
    for index, old in enumerate(settings.SECRET_KEY_FALLBACKS):
        if len(old or "") < 32 or weak_secret(old or ""):
            messages.append(Warning(f"SECRET_KEY_FALLBACKS[{index}] is short or weak",
                                    hint="Drop fallbacks once sessions signed with them expired.",
                                    id="security.W005"))
    if settings.SECRET_KEY and settings.SECRET_KEY in settings.SECRET_KEY_FALLBACKS:
        messages.append(Warning("SECRET_KEY is also listed in SECRET_KEY_FALLBACKS",
                                hint="A fallback is a former key; remove the current one.",
                                id="security.W006"))
    return messages


@register("security", deploy=True)
def check_hosts(app_configs: Any, **kwargs: Any) -> list:
    if "*" in settings.ALLOWED_HOSTS:
        return [Warning("ALLOWED_HOSTS contains '*': any Host header is accepted, so links "
                        "in password-reset mail can be poisoned",
                        hint="List the site's host names.", id="security.W007")]
    return []


@register("security", deploy=True)
def check_https(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    if not settings.SECURE_HSTS_SECONDS:
        messages.append(Warning(
            "SECURE_HSTS_SECONDS is 0: browsers may reach the site over plain HTTP",
            hint="Set SECURE_HSTS_SECONDS = 31536000 once HTTPS works everywhere "
                 "(start with 3600).", id="security.W008"))
    else:
        if not settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            messages.append(Warning("SECURE_HSTS_INCLUDE_SUBDOMAINS is off",
                                    hint="Set it when every subdomain serves HTTPS.",
                                    id="security.W009"))
        if not settings.SECURE_HSTS_PRELOAD:
            messages.append(Warning("SECURE_HSTS_PRELOAD is off: the first visit may be "
                                    "plain HTTP", hint="Set it and submit the site to the "
                                    "HSTS preload list.", id="security.W010"))
    if not settings.SECURE_SSL_REDIRECT:
        messages.append(Warning("SECURE_SSL_REDIRECT is off: plain-HTTP requests are served",
                                hint="Set SECURE_SSL_REDIRECT = True (or redirect in the "
                                     "proxy and silence this check).", id="security.W011"))
    if settings.SECURE_SSL_REDIRECT and not settings.SECURE_PROXY_SSL_HEADER:
        messages.append(Warning(
            "SECURE_SSL_REDIRECT is on without SECURE_PROXY_SSL_HEADER: behind a proxy "
            "that ends TLS every request looks like HTTP and redirects forever",
            hint='SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")',
            id="security.W012"))
    return messages


@register("security", deploy=True)
def check_headers(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    if "rustforge.http.middleware.SecurityMiddleware" not in _middleware():
        messages.append(Error("SecurityMiddleware is not in MIDDLEWARE: no Host check, no "
                              "security headers", hint="Put "
                              "'rustforge.http.middleware.SecurityMiddleware' first.",
                              id="security.E013"))
    if not settings.SECURE_CONTENT_TYPE_NOSNIFF:
        messages.append(Warning("SECURE_CONTENT_TYPE_NOSNIFF is off",
                                hint="Set it to True.", id="security.W014"))
    if str(settings.X_FRAME_OPTIONS).upper() not in ("DENY", "SAMEORIGIN"):
        messages.append(Warning(f"X_FRAME_OPTIONS is {settings.X_FRAME_OPTIONS!r}: pages can "
                                "be framed by other sites (clickjacking)",
                                hint='X_FRAME_OPTIONS = "DENY"', id="security.W015"))
    policy = str(settings.SECURE_REFERRER_POLICY or "")
    policies = {p.strip() for p in policy.split(",") if p.strip()}
    if not policies or policies - _REFERRER_POLICIES or policies & {
            "unsafe-url", "no-referrer-when-downgrade"}:
        messages.append(Warning(f"SECURE_REFERRER_POLICY {policy!r} leaks full URLs to "
                                "other sites or is not a policy",
                                hint='SECURE_REFERRER_POLICY = "same-origin"', id="security.W016"))
    if not settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        messages.append(Warning("SECURE_CROSS_ORIGIN_OPENER_POLICY is empty",
                                hint='Set it to "same-origin".', id="security.W017"))
    return messages


@register("security", deploy=True)
def check_sessions_and_csrf(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    middleware = _middleware()
    has_sessions = any(path.endswith(".SessionMiddleware") for path in middleware)
    if has_sessions and not any(path.endswith(".CsrfMiddleware") for path in middleware):
        messages.append(Error("Sessions are on but CsrfMiddleware is not in MIDDLEWARE: "
                              "other sites can post forms as your users",
                              hint="Add 'rustforge.contrib.auth.csrf.CsrfMiddleware'.",
                              id="security.E018"))
    if settings.SESSION_COOKIE_SAMESITE not in ("Lax", "Strict"):
        messages.append(Warning(f"SESSION_COOKIE_SAMESITE is "
                                f"{settings.SESSION_COOKIE_SAMESITE!r}",
                                hint='Use "Lax" (or "Strict").', id="security.W019"))
    if settings.SESSION_COOKIE_NAME == settings.CSRF_COOKIE_NAME:
        messages.append(Error("SESSION_COOKIE_NAME and CSRF_COOKIE_NAME are the same",
                              hint="Give them different names.", id="security.E020"))
    for origin in settings.CSRF_TRUSTED_ORIGINS:
        if origin.startswith("http://") or origin in ("*", "https://*"):
            messages.append(Warning(f"CSRF_TRUSTED_ORIGINS has {origin!r}",
                                    hint="Trust HTTPS origins of your own sites only.",
                                    id="security.W021"))
    return messages


def _everyone(entries: list[str]) -> bool:
    for entry in entries:
        try:
            if ipaddress.ip_network(entry.strip(), strict=False).prefixlen == 0:
                return True
        except ValueError:
            continue
    return False


@register("security", deploy=True)
def check_proxies_and_metrics(app_configs: Any, **kwargs: Any) -> list:
    messages = []
    if _everyone(list(settings.TRUSTED_PROXIES)):
        messages.append(Warning("TRUSTED_PROXIES trusts every address: any client can choose "
                                "its IP (rate limits, logs, METRICS_ALLOWED_IPS)",
                                hint="List your proxies' addresses.", id="security.W022"))
    if settings.METRICS_ENABLED and settings.METRICS_PATH:
        if _everyone(list(settings.METRICS_ALLOWED_IPS)):
            messages.append(Warning("METRICS_ALLOWED_IPS lets everyone read /metrics",
                                    hint="Allow the Prometheus servers only, or use "
                                         "METRICS_TOKEN.", id="security.W023"))
        token = settings.METRICS_TOKEN or ""
        if token and (len(token) < 24 or weak_secret(token)):
            messages.append(Warning("METRICS_TOKEN is short or weak",
                                    hint="Use `rustforge newsecret`.", id="security.W024"))
    return messages
