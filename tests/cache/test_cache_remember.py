"""remember(): one recomputation under concurrency; stale values while refreshing."""

import threading
import time

import pytest

from rustforge.cache import cache, create_cache, memoize, remember
from rustforge.services import services


@pytest.fixture(params=["locmem", "memcached"])
def backend(request):
    if request.param == "locmem":
        backend = create_cache("locmem://")
    else:
        server = request.getfixturevalue("memcached")
        backend = create_cache(server.url)
    with services.override("cache", backend):
        yield backend


def _hammer(n, fn):
    results, barrier = [], threading.Barrier(n)

    def run():
        barrier.wait()
        results.append(fn())

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_cold_key_is_computed_once(backend):
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "value"

    results = _hammer(8, lambda: remember("cold", 60, slow))
    assert results == ["value"] * 8
    assert len(calls) == 1


def test_stale_value_served_while_one_refreshes(backend):
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return len(calls)

    assert remember("stale", 1, compute, stale=60) == 1
    time.sleep(1.1)  # fresh for 1 s, then stale
    started = time.monotonic()
    results = _hammer(6, lambda: remember("stale", 1, compute, stale=60))
    assert len(calls) == 2
    assert sorted(results) == [1] * 5 + [2]  # five got the stale value at once
    assert time.monotonic() - started < 1.0
    assert remember("stale", 1, compute) == 2


def test_none_is_remembered(backend):
    calls = []
    assert remember("none", 60, lambda: calls.append(1)) is None
    assert remember("none", 60, lambda: calls.append(1)) is None
    assert calls == [1]


def test_failure_releases_the_lock(backend):
    def boom():
        raise RuntimeError("nope")

    with pytest.raises(RuntimeError):
        remember("fails", 60, boom)
    started = time.monotonic()
    assert remember("fails", 60, lambda: "ok") == "ok"
    assert time.monotonic() - started < 0.5


def test_cache_method_and_memoize(backend):
    calls = []

    @memoize(ttl=60)
    def square(x):
        calls.append(x)
        return x * x

    assert cache.remember("m", 60, lambda: 3) == 3
    assert square(3) == 9 and square(3) == 9 and square(4) == 16
    assert calls == [3, 4]
    square.forget(3)
    assert square(3) == 9
    assert calls == [3, 4, 3]


def test_memcached_down_computes_without_waiting(memcached):
    backend = create_cache(memcached.url)
    memcached.stop()
    started = time.monotonic()
    assert remember("k", 60, lambda: 5, cache=backend) == 5
    assert remember("k", 60, lambda: 6, cache=backend) == 6
    assert time.monotonic() - started < 1.5


def test_background_refresh_serves_stale_to_everyone(backend):
    started, release = threading.Event(), threading.Event()
    calls = []

    def build():
        calls.append(1)
        if len(calls) > 1:        # the refresh: block until the test lets it finish
            started.set()
            release.wait(10)
        return f"v{len(calls)}"

    assert remember("swr", 0.01, build, stale=60, background=True) == "v1"
    time.sleep(0.05)              # "v1" is now stale (but kept 60 s longer)
    # The caller that finds it stale gets the stale value at once, the refresh runs aside.
    assert remember("swr", 60, build, stale=60, background=True) == "v1"
    assert started.wait(10)
    assert remember("swr", 60, build, stale=60, background=True) == "v1"
    release.set()
    deadline = time.monotonic() + 10
    while remember("swr", 60, build, stale=60, background=True) != "v2":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert len(calls) == 2


def test_background_refresh_failure_keeps_the_stale_value(backend, caplog):
    assert remember("swr-fail", 0.01, lambda: "old", stale=60) == "old"
    time.sleep(0.05)

    def broken():
        raise RuntimeError("backend down")

    with caplog.at_level("ERROR", logger="rustforge.cache"):
        assert remember("swr-fail", 60, broken, stale=60, background=True) == "old"
        deadline = time.monotonic() + 10
        while "in the background failed" not in caplog.text:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    # The lock was released: the next caller refreshes.
    assert remember("swr-fail", 60, lambda: "new", stale=60) == "new"
