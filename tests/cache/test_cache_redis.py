"""The redis:// cache backend against a real Redis server, and its fault tolerance."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis

from rustforge.cache import cache, create_cache
from rustforge.exceptions import ImproperlyConfigured


def test_basic_api(redis_cache):
    assert cache.get("a") is None
    assert cache.set("a", {"x": [1, 2]})
    assert cache.get("a") == {"x": [1, 2]}
    assert cache.add("a", 2) is False
    assert cache.add("b", 2) is True
    assert cache.delete("b") is True
    assert cache.delete("b") is False
    assert cache.set_many({"m1": 1, "m2": "two", "m3": True}) == []
    assert cache.get_many(["m1", "m2", "m3", "nope"]) == {"m1": 1, "m2": "two", "m3": True}
    cache.delete_many(["m1", "m2"])
    assert cache.get_many(["m1", "m2"]) == {}
    assert cache.get_or_set("g", lambda: 7) == 7
    assert "g" in cache
    cache.clear()
    assert cache.get("g") is None


def test_counters_are_redis_integers(redis_cache):
    with pytest.raises(ValueError):
        cache.incr("c")
    cache.set("c", 5)
    assert cache.incr("c", 3) == 8
    assert cache.decr("c", 10) == 0          # never below zero, as on memcached
    assert cache.count("fresh", timeout=30) == 1
    assert cache.count("fresh", 2) == 3
    raw = redis.Redis.from_url(redis_cache.url)
    assert raw.get(redis_cache.make_key("fresh")) == b"3"   # INCRBY-able, readable by tools
    assert 0 < raw.pttl(redis_cache.make_key("fresh")) <= 30_000
    cache.set("s", "text")
    with pytest.raises(ValueError, match="non-integer"):
        cache.incr("s")
    raw.close()


def test_timeouts_keep_fractions(redis_cache):
    raw = redis.Redis.from_url(redis_cache.url)
    cache.set("frac", 1, timeout=1.5)
    assert 1000 < raw.pttl(redis_cache.make_key("frac")) <= 1500
    cache.set("forever", 1, timeout=None)
    assert raw.pttl(redis_cache.make_key("forever")) == -1
    assert cache.touch("forever", 10)
    assert 9000 < raw.pttl(redis_cache.make_key("forever")) <= 10_000
    assert cache.touch("forever", None)
    assert raw.pttl(redis_cache.make_key("forever")) == -1
    assert cache.touch("missing", None) is False
    cache.set("gone", 1, timeout=0)
    assert cache.get("gone") is None
    raw.close()


def test_url_errors():
    with pytest.raises(ImproperlyConfigured, match="unknown redis:// option 'socket'"):
        create_cache("redis://127.0.0.1:6379/0?socket=1")
    with pytest.raises(ImproperlyConfigured, match="database number"):
        create_cache("redis://127.0.0.1:6379/cache")
    with pytest.raises(ImproperlyConfigured, match="not a float"):
        create_cache("redis://127.0.0.1:6379/0?timeout=soon")
    with pytest.raises(ImproperlyConfigured) as caught:
        create_cache("redis://:s3cret@127.0.0.1:6379/x")
    assert "s3cret" not in str(caught.value)


class ThrowawayRedis:
    """A redis-server of our own, to stop and start (never the shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThrowawayRedis(port)
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
def test_outage_never_raises_and_recovers(own_redis, caplog, settings):
    backend = create_cache(f"redis://127.0.0.1:{own_redis.port}/0?retry_timeout=1")
    assert backend.set("k", "v") and backend.get("k") == "v"
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="rustforge.cache"):
        assert backend.get("k", "miss") == "miss"
        assert backend.set("k", "w") is False
        assert backend.add("k2", 1) is False
        assert backend.count("hits") is None
        assert backend.get_many(["k"]) == {}
        assert backend.set_many({"a": 1}) == ["a"]
        assert backend.lock("l").acquire(blocking=False) is False
        assert backend.available is False
    warnings = [r for r in caplog.records if "redis cache" in r.getMessage()]
    assert len(warnings) == 1                  # logged once per CACHE_ERROR_LOG_INTERVAL
    own_redis.start()
    deadline = time.monotonic() + 10
    while not backend.set("k", "back") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert backend.get("k") == "back"
    backend.close()


def test_named_cache_after_fork_child_gets_its_own_connection(redis_cache, settings):
    """A CACHES alias on Redis used before a fork: the child builds its own client."""
    import os

    from rustforge.cache import caches

    settings.CACHES = {"shared": redis_cache.url}
    parent = caches["shared"]
    parent.set("fork", "parent")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the fork hook dropped the inherited caches service
        try:
            child = caches["shared"]
            os.write(write, repr((child is parent, child.get("fork"))).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"(False, 'parent')"
    assert parent.get("fork") == "parent"  # the parent's connection still works
