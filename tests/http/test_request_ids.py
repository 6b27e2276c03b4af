"""Request ids and log lines nobody can forge."""

from __future__ import annotations

import io
import json
import logging

import pytest

from rustforge.logging import (
    ConsoleFormatter,
    JsonFormatter,
    RequestIdFilter,
    logging_config,
    request_id,
)


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/echo").headers["x-request-id"]
    second = client.get("/echo").headers["x-request-id"]
    assert len(first) == 32 and first != second


def test_request_ids_make_no_system_call(client, monkeypatch):
    """An id comes from the process's PRNG, not os.urandom: the getrandom call
    would release the GIL in the middle of every request (gthread workers)."""
    import os

    def no_syscall(n):
        raise AssertionError("os.urandom called while serving a request")

    monkeypatch.setattr(os, "urandom", no_syscall)
    ids = {client.get("/echo").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_a_valid_incoming_id_is_kept(client):
    response = client.get("/echo", headers={"X-Request-ID": "req-42.abc:7"})
    assert response.headers["x-request-id"] == "req-42.abc:7"


@pytest.mark.parametrize("bad", ["a b", "x" * 129, "id\r\nX-Injected: 1", "<script>", "ü"])
def test_an_invalid_incoming_id_is_replaced(client, bad):
    response = client.get("/echo", headers={"X-Request-ID": bad})
    assert response.status_code == 200
    rid = response.headers["x-request-id"]
    assert rid != bad and len(rid) == 32
    assert "x-injected" not in response.headers


def _capture(formatter):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger("rustforge.test_request_ids")
    logger.addHandler(handler)
    logger.propagate = False
    return logger, handler, stream


def test_request_logs_carry_the_id(client):
    from testproject import resources

    logger, handler, stream = _capture(ConsoleFormatter())
    original = resources.Echo.on_get

    def on_get(self, req, resp):
        logger.warning("echoing %s", req.path)
        original(self, req, resp)

    resources.Echo.on_get = on_get
    try:
        client.get("/echo", headers={"X-Request-ID": "trace-1"})
    finally:
        resources.Echo.on_get = original
        logger.removeHandler(handler)
    assert "[trace-1]: echoing /echo" in stream.getvalue()


def test_console_lines_cannot_be_forged():
    logger, handler, stream = _capture(ConsoleFormatter())
    try:
        logger.warning("login failed for %s", "bob\n2026-01-01 INFO rustforge: admin logged in")
        try:
            raise ValueError("boom\nFAKE LINE")
        except ValueError:
            logger.exception("oops")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("login failed for bob\\n2026-01-01 INFO rustforge: admin logged in")
    records = [line for line in lines if not line.startswith(" ")]
    assert len(records) == 2  # the traceback lines are all indented
    assert not any(line.startswith("FAKE") for line in lines)


def test_json_lines_are_one_object_each_with_the_request_id():
    logger, handler, stream = _capture(JsonFormatter())
    try:
        with request_id("job-7"):
            logger.error("bad\ninput %s", "x\"y")
            try:
                1 / 0  # noqa: B018
            except ZeroDivisionError:
                logger.exception("failed")
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["message"] == 'bad\ninput x"y' and first["request_id"] == "job-7"
    assert first["level"] == "ERROR" and first["logger"] == "rustforge.test_request_ids"
    assert "ZeroDivisionError" in second["exc"]
    assert third["request_id"] == "-"


def test_logging_config_for_gunicorn_and_the_app():
    config = logging_config("json", "debug")
    assert config["formatters"]["default"]["()"].endswith("JsonFormatter")
    assert {"rustforge", "gunicorn.error", "gunicorn.access"} <= set(config["loggers"])
    assert config["loggers"]["rustforge"]["level"] == "DEBUG"
    logging.config.dictConfig(logging_config("console"))  # it is a valid dictConfig
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config("xml")


def test_logging_config_can_silence_the_access_log():
    assert logging_config()["loggers"]["gunicorn.access"]["handlers"] == ["access"]
    silent = logging_config(access=False)["loggers"]["gunicorn.access"]
    assert silent["handlers"] == [] and silent["level"] == "CRITICAL"
