"""Host validation and security headers.

Every request's Host must match ``ALLOWED_HOSTS`` (400 otherwise); every
response carries ``X-Content-Type-Options``, ``X-Frame-Options``,
``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and, on HTTPS with
``SECURE_HSTS_SECONDS``, ``Strict-Transport-Security``.
"""

from __future__ import annotations

import re

import falcon

# RFC 3986 reg-name / IPv4 / bracketed IPv6, with an optional port.
_HOST = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:\d{1,5})?$")
_DEBUG_HOSTS = (".localhost", "127.0.0.1", "[::1]", "localhost", "testserver")


def split_host(value: str) -> str | None:
    """The host part of a Host header, lower-cased; None when malformed."""
    value = value.lower()
    match = _HOST.match(value)
    if not match:
        return None
    host = match.group(1)
    return host.removesuffix(".")


def host_allowed(host: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        if pattern == "*" or pattern == host:
            return True
        if pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]):
            return True
    return False


class SecurityMiddleware:
    def __init__(self, settings) -> None:
        patterns = [p.lower() for p in settings.ALLOWED_HOSTS]
        if settings.DEBUG and not patterns:
            patterns = list(_DEBUG_HOSTS)
        self.allow_any = "*" in patterns
        self.patterns = patterns
        self._known: dict[str, bool] = {}
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.proxy_header = settings.SECURE_PROXY_SSL_HEADER
        headers = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.X_FRAME_OPTIONS:
            headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
        if settings.SECURE_REFERRER_POLICY:
            headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(("Cross-Origin-Opener-Policy",
                            settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        self.headers = headers
        # PERF: what resp.set_headers(self.headers) stores (lower-cased names,
        # replacing a header of the same name), ready to merge in one C call:
        # set_headers costs about 5k instructions per request for four headers.
        self._lowered = {name.lower(): value for name, value in headers}
        self.hsts = None
        if settings.SECURE_HSTS_SECONDS:
            hsts = f"max-age={int(settings.SECURE_HSTS_SECONDS)}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                hsts += "; preload"
            self.hsts = hsts

    def is_secure(self, req) -> bool:
        if self.proxy_header:
            name, value = self.proxy_header
            return req.env.get(name, "").lower() == value.lower()
        return req.env.get("wsgi.url_scheme") == "https"

    def process_request(self, req, resp) -> None:
        env = req.env
        # A Host header that is present but empty is invalid (HTTP/1.1); only
        # an HTTP/1.0 request without one falls back to SERVER_NAME.
        raw = env["HTTP_HOST"] if "HTTP_HOST" in env else env.get("SERVER_NAME", "")
        allowed = self._known.get(raw)
        if allowed is None:
            host = split_host(raw)
            allowed = host is not None and (self.allow_any or host_allowed(host, self.patterns))
            if len(self._known) < 256:  # bounded: hostile hosts must not grow it
                self._known[raw] = allowed
        if not allowed:
            raise falcon.HTTPBadRequest(
                title="Invalid Host header",
                description="The Host header is missing, malformed or not in ALLOWED_HOSTS.")
        if self.ssl_redirect and not self.is_secure(req):
            raise falcon.HTTPMovedPermanently("https://" + raw + req.relative_uri)

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp._headers.update(self._lowered)
        if self.hsts and self.is_secure(req):
            resp.set_header("Strict-Transport-Security", self.hsts)
