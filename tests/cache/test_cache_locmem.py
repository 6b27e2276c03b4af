"""The cache API on the embedded locmem backend (and the URL factory)."""

import threading
import time

import pytest

from rustforge.cache import DEFAULT_TIMEOUT, cache, create_cache, get_cache
from rustforge.cache.backends.locmem import LocMemCache
from rustforge.exceptions import ImproperlyConfigured
from rustforge.services import services


@pytest.fixture
def mem():
    backend = create_cache("locmem://?max_entries=50", prefix="t", default_timeout=300)
    with services.override("cache", backend):
        yield backend


def test_proxy_follows_the_service(mem):
    cache.set("k", "v")
    assert mem.get("k") == "v"
    assert "k" in cache


def test_default_backend_is_locmem(settings):
    settings.CACHE_URL = "locmem://"
    assert isinstance(get_cache(), LocMemCache)


def test_get_set_add_delete(mem):
    assert cache.get("missing") is None
    assert cache.get("missing", 5) == 5
    assert cache.set("a", {"x": [1, 2]})
    assert cache.get("a") == {"x": [1, 2]}
    assert cache.add("a", "other") is False
    assert cache.add("b", "new") is True
    assert cache.get("b") == "new"
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    assert cache.get("a") is None


def test_values_are_copies(mem):
    value = {"n": 1}
    cache.set("obj", value)
    value["n"] = 2
    assert cache.get("obj") == {"n": 1}


def test_none_is_a_value_for_has_key(mem):
    cache.set("nothing", None)
    assert cache.has_key("nothing")
    assert cache.get("nothing", "default") is None


def test_timeouts(mem):
    cache.set("short", 1, timeout=0.1)
    cache.set("forever", 1, timeout=None)
    cache.set("zero", 1, timeout=0)
    assert cache.get("zero") is None
    time.sleep(0.15)
    assert cache.get("short") is None
    assert cache.get("forever") == 1
    assert cache.get_timeout(DEFAULT_TIMEOUT) == 300


def test_touch(mem):
    cache.set("t", 1, timeout=0.1)
    assert cache.touch("t", 10)
    time.sleep(0.15)
    assert cache.get("t") == 1
    assert cache.touch("absent", 10) is False


def test_many(mem):
    assert cache.set_many({"a": 1, "b": 2, "c": 3}) == []
    assert cache.get_many(["a", "b", "zz"]) == {"a": 1, "b": 2}
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b", "c"]) == {"c": 3}


def test_incr_decr(mem):
    with pytest.raises(ValueError):
        cache.incr("counter")
    cache.set("counter", 10)
    assert cache.incr("counter") == 11
    assert cache.incr("counter", 5) == 16
    assert cache.decr("counter", 20) == 0  # never below zero, like memcached
    cache.set("text", "x")
    with pytest.raises(ValueError):
        cache.incr("text")


def test_count_creates_and_is_atomic(mem):
    def hammer():
        for _ in range(200):
            cache.count("hits", timeout=60)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("hits") == 800


def test_get_or_set(mem):
    calls = []
    assert cache.get_or_set("g", lambda: calls.append(1) or 42) == 42
    assert cache.get_or_set("g", lambda: calls.append(1) or 43) == 42
    assert calls == [1]


def test_clear(mem):
    cache.set("a", 1)
    cache.clear()
    assert cache.get("a") is None


def test_lru_bound(mem):
    for i in range(50):
        cache.set(f"k{i}", i)
    cache.get("k0")  # recently used: survives
    for i in range(50, 60):
        cache.set(f"k{i}", i)
    assert len(mem) == 50
    assert cache.get("k0") == 0
    assert cache.get("k1") is None


def test_incr_version(mem):
    cache.set("doc", "text")
    assert cache.incr_version("doc") == 2
    assert cache.get("doc") is None
    assert cache.get("doc", version=2) == "text"
    assert cache.decr_version("doc", version=2) == 1
    assert cache.get("doc") == "text"
    with pytest.raises(ValueError):
        cache.incr_version("absent")


def test_versions_and_prefix(mem):
    cache.set("v", "one", version=1)
    cache.set("v", "two", version=2)
    assert cache.get("v") == "one"
    assert cache.get("v", version=2) == "two"
    other = create_cache("locmem://", prefix="other")
    assert other.make_key("v") != mem.make_key("v")


@pytest.mark.parametrize("key", ["with space", "tab\there", "ctl\x01", "ünïcode", "x" * 400,
                                 "new\nline", 12345, b"bytes key"])
def test_any_key_works_and_is_safe(mem, key):
    server_key = mem.make_key(key)
    assert len(server_key) <= 250
    assert all(33 <= ord(c) <= 126 for c in server_key)
    cache.set(key, "ok")
    assert cache.get(key) == "ok"


def test_hashed_keys_do_not_collide(mem):
    assert mem.make_key("a b") != mem.make_key("a  b")


def test_dummy_caches_nothing():
    dummy = create_cache("dummy://")
    assert dummy.set("a", 1)
    assert dummy.get("a") is None
    assert dummy.count("a") is None


@pytest.mark.parametrize("url, message", [
    ("mongodb://x", "unknown scheme"),
    ("locmem://?size=3", "unknown locmem:// option"),
    ("memcached://", "names no memcached server"),
    ("memcached://h:1?bogus=1", "unknown memcached:// option"),
    ("memcached://h:1?timeout=fast", "is not a float"),
])
def test_bad_urls_are_clear_errors(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        create_cache(url)
