"""The cache API and its fault tolerance against a real memcached server."""

import logging
import socket
import threading
import time

import pytest

from rustforge.cache import cache, create_cache
from rustforge.services import services

pytestmark = pytest.mark.slow


@pytest.fixture
def mc(memcached):
    backend = create_cache(memcached.url, prefix="t", default_timeout=60)
    backend.clear()
    with services.override("cache", backend):
        yield backend
    backend.close()


def test_basic_api(mc):
    assert cache.get("a") is None
    assert cache.set("a", {"x": [1, 2]})
    assert cache.get("a") == {"x": [1, 2]}
    assert cache.add("a", 2) is False
    assert cache.add("b", 2) is True
    assert cache.delete("b") is True
    assert cache.delete("b") is False
    assert cache.set_many({"m1": 1, "m2": "two"}) == []
    assert cache.get_many(["m1", "m2", "nope"]) == {"m1": 1, "m2": "two"}
    cache.delete_many(["m1", "m2"])
    assert cache.get_many(["m1", "m2"]) == {}
    assert cache.get_or_set("g", lambda: 7) == 7


def test_counters(mc):
    with pytest.raises(ValueError):
        cache.incr("c")
    cache.set("c", 5)
    assert cache.incr("c", 3) == 8
    assert cache.decr("c", 10) == 0
    assert cache.count("fresh", timeout=30) == 1
    assert cache.count("fresh", 2) == 3
    cache.set("s", "text")
    with pytest.raises(ValueError):
        cache.incr("s")


def test_count_is_atomic_across_clients(memcached):
    # Separate clients stand for separate processes sharing the server.
    backends = [create_cache(memcached.url, prefix="t") for _ in range(4)]

    def hammer(backend):
        for _ in range(100):
            backend.count("shared", timeout=60)

    threads = [threading.Thread(target=hammer, args=(b,)) for b in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert backends[0].get("shared") == 400


def test_expiry_and_touch(mc):
    cache.set("short", 1, timeout=1)
    cache.set("touched", 1, timeout=1)
    assert cache.touch("touched", 10)
    time.sleep(2.1)
    assert cache.get("short") is None
    assert cache.get("touched") == 1


def test_unsafe_keys_are_hashed_not_rejected(mc):
    for key in ["with space", "ünïcode", "x" * 1000, "ctl\x00\x7f", "new\nline"]:
        assert cache.set(key, key)
        assert cache.get(key) == key


def test_large_value_is_dropped_not_raised(mc):
    assert cache.set("huge", b"x" * (2 * 1024 * 1024)) is False
    assert cache.get("huge") is None


def test_several_servers_share_keys(memcached):
    from rustforge.testing.cache import MemcachedServer, memcached_binary

    second = MemcachedServer(memcached_binary())
    second.start()
    try:
        url = f"memcached://{memcached.address},{second.address}"
        writer, reader = create_cache(url), create_cache(url)
        for i in range(50):
            writer.set(f"k{i}", i)
        assert reader.get_many([f"k{i}" for i in range(50)]) == {f"k{i}": i for i in range(50)}
        # Keys really are spread over both servers.
        alone = create_cache(f"memcached://{memcached.address}")
        found = alone.get_many([f"k{i}" for i in range(50)])
        assert 0 < len(found) < 50
    finally:
        second.stop()


def test_server_stopped_mid_test_gives_misses(mc, memcached, caplog):
    cache.set("before", 1)
    memcached.stop()
    caplog.set_level(logging.WARNING, logger="rustforge.cache")
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("before") is None
        assert cache.set("after", 2) is False
        assert cache.count("n") is None
        assert cache.get_many(["a", "b"]) == {}
        cache.delete("before")
    assert time.monotonic() - started < 3
    assert cache.available is False
    warnings = [r for r in caplog.records if r.name == "rustforge.cache"]
    assert len(warnings) == 1  # logged once per interval, not per call
    assert "reads miss" in warnings[0].getMessage()
    with pytest.raises(ValueError):
        cache.incr("before")  # Django's behaviour for a missing key


def test_recovers_when_server_returns(memcached):
    backend = create_cache(memcached.url + "?retry_timeout=0.2&dead_timeout=0.5&retry_attempts=1")
    backend.set("x", 1)
    memcached.stop()
    assert backend.get("x") is None
    memcached.start()  # same port, empty
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not backend.set("x", 2):
        time.sleep(0.1)
    assert backend.get("x") == 2


def test_hung_server_costs_at_most_the_timeout():
    # A socket that accepts connections but never answers: a hung memcached.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        backend = create_cache(f"memcached://127.0.0.1:{port}?timeout=0.2&connect_timeout=0.2")
        started = time.monotonic()
        assert backend.get("k", "miss") == "miss"
        assert backend.set("k", 1) is False
        first = time.monotonic() - started
        assert first < 1.5
        # Then the server is considered failing: later calls return at once.
        started = time.monotonic()
        for _ in range(50):
            backend.get("k")
        assert time.monotonic() - started < 1.0


def test_paused_server_does_not_hang(mc, memcached):
    cache.set("p", 1)
    memcached.pause()
    try:
        started = time.monotonic()
        assert cache.get("p") is None
        assert time.monotonic() - started < 2
    finally:
        memcached.resume()


def test_after_fork_child_gets_its_own_connection(mc):
    import os

    cache.set("fork", "parent")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the inherited service was reset by the fork hook
        try:
            fresh = services.get("cache") if not services._overrides.get("cache") else mc
            value = fresh.get("fork")
            os.write(write, repr(value).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"'parent'"
    assert cache.get("fork") == "parent"  # the parent's connection still works
