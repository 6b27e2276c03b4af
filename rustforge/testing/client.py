"""A test client that calls the WSGI application in-process and keeps cookies.

    def test_login(client):
        response = client.post("/accounts/login/", data={"username": "ada", ...})
        assert response.status_code == 302
        assert client.get("/accounts/me/").json["username"] == "ada"

Responses are ``falcon.testing.Result`` objects (``status_code``, ``headers``,
``text``, ``json``, ``cookies``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode, urlsplit

from falcon import testing

DEFAULT_HOST = "testserver"


class Client:
    def __init__(self, app: Any, *, host: str = DEFAULT_HOST, headers: dict | None = None,
                 remote_addr: str = "127.0.0.1", secure: bool = False) -> None:
        self.app = app
        self.host = host
        self.default_headers = dict(headers or {})
        self.remote_addr = remote_addr
        self.protocol = "https" if secure else "http"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, params: dict | None = None,
                data: dict | list | None = None, json: Any = None,
                body: bytes | str | None = None, headers: dict | None = None,
                content_type: str | None = None, follow_redirects: bool = False,
                remote_addr: str | None = None) -> testing.Result:
        merged = {**self.default_headers, **(headers or {})}
        if data is not None:
            body = urlencode(data, doseq=True)
            content_type = content_type or "application/x-www-form-urlencoded"
        if content_type:
            merged["Content-Type"] = content_type
        if self.cookies:
            merged["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        query = None
        if "?" in path:
            path, query = path.split("?", 1)
        if params:
            extra = urlencode(params, doseq=True)
            query = f"{query}&{extra}" if query else extra
        result = testing.simulate_request(
            self.app, method, path, query_string=query, headers=merged, body=body, json=json,
            host=self.host, protocol=self.protocol, remote_addr=remote_addr or self.remote_addr)
        self._store_cookies(result)
        if follow_redirects and result.status_code in (301, 302, 303, 307, 308):
            location = urlsplit(result.headers["location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            next_method = method if result.status_code in (307, 308) else "GET"
            return self.request(next_method, target, headers=headers, follow_redirects=True)
        return result

    def _store_cookies(self, result: testing.Result) -> None:
        now = dt.datetime.now(dt.UTC)
        for name, cookie in result.cookies.items():
            expired = cookie.max_age is not None and cookie.max_age <= 0
            if cookie.expires is not None:
                expires = cookie.expires
                if expires.tzinfo is None:
                    expires = expires.replace(tzinfo=dt.UTC)
                expired = expired or expires <= now
            if expired or cookie.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie.value

    def get(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("OPTIONS", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> testing.Result:
        return self.request("DELETE", path, **kwargs)
