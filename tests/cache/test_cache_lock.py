"""cache.lock(): one owner at a time, owner-checked release, on every real backend."""

import threading

import pytest

from rustforge.cache import LockNotAcquired, cache, create_cache
from rustforge.services import services


@pytest.fixture(params=["locmem", "memcached", "redis"])
def backend_url(request):
    if request.param == "locmem":
        backend = create_cache("locmem://")
        with services.override("cache", backend):
            yield None
        return
    if request.param == "memcached":
        server = request.getfixturevalue("memcached")
        url = server.url
    else:
        url = request.getfixturevalue("redis_cache").url
    with services.override("cache", create_cache(url, prefix="locks")):
        yield url


def _other_client(url):
    """Another process's view of the same cache (its own connection)."""
    return services.get("cache") if url is None else create_cache(url, prefix="locks")


def test_one_owner_at_a_time(backend_url):
    first = cache.lock("report", timeout=30)
    assert first.acquire() is True
    other = _other_client(backend_url).lock("report", timeout=30)
    assert other.acquire(blocking=False) is False
    assert first.locked() and first.owned() and not other.owned()
    assert first.release() is True
    assert other.acquire(blocking=False) is True
    assert other.release() is True


def test_release_never_frees_another_owners_lock(backend_url):
    first = cache.lock("import", timeout=30)
    assert first.acquire()
    first.force_release()                      # as if first's lock had expired
    second = _other_client(backend_url).lock("import", timeout=30)
    assert second.acquire(blocking=False)
    assert first.release() is False            # late release of the expired holder
    assert second.locked() and second.owned()
    assert cache.lock("import").acquire(blocking=False) is False
    assert second.release() is True


def test_context_manager_and_blocking_timeout(backend_url):
    with cache.lock("ctx", timeout=30) as held:
        assert held.owned()
        other = _other_client(backend_url).lock("ctx", timeout=30, blocking_timeout=0)
        with pytest.raises(LockNotAcquired, match="ctx"), other:
            pass  # pragma: no cover
    assert not cache.lock("ctx").locked()


def test_restore_lock_lets_another_process_release(backend_url):
    lock = cache.lock("handoff", timeout=30)
    assert lock.acquire()
    restored = _other_client(backend_url).restore_lock("handoff", lock.owner, timeout=30)
    assert restored.owned()
    assert _other_client(backend_url).restore_lock("handoff", "not-the-owner").release() is False
    assert restored.release() is True
    assert not lock.locked()


def test_mutual_exclusion_across_clients(backend_url):
    # A non-atomic read-modify-write, safe only under the lock.
    cache.set("counter", 0, None)
    clients = [_other_client(backend_url) for _ in range(4)]

    def work(client):
        for _ in range(15):
            with client.lock("counter", timeout=30, blocking_timeout=30):
                value = client.get("counter")
                client.set("counter", value + 1, None)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("counter") == 60


def test_a_lock_expires_by_itself(redis_cache):
    import time

    lock = redis_cache.lock("short", timeout=0.2)
    assert lock.acquire()
    time.sleep(0.3)
    assert redis_cache.lock("short").acquire(blocking=False)


def test_invalid_timeout():
    with pytest.raises(ValueError, match="positive"):
        create_cache("locmem://").lock("x", timeout=0)
