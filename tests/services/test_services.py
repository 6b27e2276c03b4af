"""The service container: lazy creation, overrides, settings changes, fork safety."""

import os
import threading

import pytest

from rustforge.services import Services, services


class Resource:
    created = 0

    def __init__(self):
        type(self).created += 1
        self.closed = False
        self.forgotten = False


@pytest.fixture
def box():
    Resource.created = 0
    container = Services()
    container.register("thing", Resource, close=lambda r: setattr(r, "closed", True),
                       after_fork=lambda r: setattr(r, "forgotten", True),
                       settings={"THING_URL"})
    return container


def test_created_lazily_once(box):
    assert not box.is_created("thing")
    assert Resource.created == 0
    first = box.get("thing")
    assert box.get("thing") is first
    assert Resource.created == 1


def test_created_once_under_concurrency(box):
    seen, barrier = [], threading.Barrier(8)

    def ask():
        barrier.wait()
        seen.append(box.get("thing"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(s) for s in seen}) == 1 and Resource.created == 1


def test_override_nests_and_restores(box):
    real = box.get("thing")
    with box.override("thing", "fake") as value:
        assert value == "fake" and box.get("thing") == "fake"
        with box.override("thing", "inner"):
            assert box.get("thing") == "inner"
        assert box.get("thing") == "fake"
    assert box.get("thing") is real


def test_reset_closes(box):
    first = box.get("thing")
    box.reset("thing")
    assert first.closed
    assert box.get("thing") is not first


def test_only_relevant_setting_changes_reset(box):
    first = box.get("thing")
    box.reset_for_settings({"OTHER"})
    assert box.get("thing") is first
    box.reset_for_settings({"THING_URL"})
    assert first.closed and box.get("thing") is not first


def test_after_fork_forgets_without_closing(box):
    first = box.get("thing")
    box.reset_after_fork()
    assert first.forgotten and not first.closed
    assert box.get("thing") is not first


def test_unknown_service_names_the_known_ones():
    with pytest.raises(LookupError, match="known: .*cache"):
        services.get("cahce")
    assert "jobs" in services and "redis" in services.names()


def test_real_settings_change_drops_the_cache(settings):
    from rustforge.cache import cache, get_cache

    settings.CACHE_URL = "locmem://"
    first = get_cache()
    cache.set("k", 1)
    settings.CACHE_URL = "locmem://?max_entries=10"
    assert get_cache() is not first
    assert cache.get("k") is None


def _in_child(fn):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(write, repr(fn()).encode())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            os.write(write, f"error {exc!r}".encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return pipe.read()


def test_fork_gives_the_child_fresh_clients(settings, memcached, redis_url):
    """After fork, the child builds its own memcached and Redis clients; the
    parent's connections keep working (nothing was closed under it)."""
    from rustforge.cache import get_cache
    from rustforge.queue import get_redis

    settings.CACHE_URL = memcached.url
    settings.REDIS_URL = redis_url
    parent_cache, parent_redis = get_cache(), get_redis()
    parent_cache.set("who", "parent")
    parent_redis.set("who", "parent")

    def child():
        fresh_cache, fresh_redis = get_cache(), get_redis()
        return (fresh_cache is not parent_cache, fresh_redis is not parent_redis,
                fresh_cache.get("who"), fresh_redis.get("who"))

    assert _in_child(child) == "(True, True, 'parent', b'parent')"
    assert get_cache() is parent_cache and parent_cache.get("who") == "parent"
    assert parent_redis.get("who") == b"parent"


def test_fork_keeps_the_parents_database_session(transactional_db):
    """The child must not end the parent's database session when it drops it."""
    from testproject.worklog.models import Entry

    from rustforge.db import get_database

    db = get_database()
    Entry.create(text="before fork")

    def child():
        return Entry.select().count()  # a fresh connection in the child

    assert _in_child(child) == "1"
    assert get_database() is db
    assert Entry.select().count() == 1  # the parent's connection still works
