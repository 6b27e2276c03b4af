"""cache.tags(...).flush() drops every entry of a tag, on every real backend."""

import pytest

from rustforge.cache import cache, create_cache
from rustforge.services import services


@pytest.fixture(params=["locmem", "memcached", "redis"])
def backend(request):
    if request.param == "locmem":
        backend = create_cache("locmem://")
    elif request.param == "memcached":
        backend = create_cache(request.getfixturevalue("memcached").url)
    else:
        backend = request.getfixturevalue("redis_cache")
    with services.override("cache", backend):
        yield backend


def test_flush_drops_the_tag_and_only_it(backend):
    cache.tags("posts", "user:7").set("feed:7", ["p1"], 60)
    cache.tags("posts").set("front", ["p1", "p2"], 60)
    cache.tags("user:8").set("feed:8", ["p3"], 60)
    cache.set("plain", 1)
    assert cache.tags("user:7", "posts").get("feed:7") == ["p1"]   # tag order is irrelevant
    cache.tags("posts").flush()
    assert cache.tags("posts", "user:7").get("feed:7") is None
    assert cache.tags("posts").get("front") is None
    assert cache.tags("user:8").get("feed:8") == ["p3"]
    assert cache.get("plain") == 1
    cache.tags("posts").set("front", ["p9"])                       # usable again after a flush
    assert cache.tags("posts").get("front") == ["p9"]


def test_tagged_api(backend):
    tagged = cache.tags("reports")
    assert tagged.add("r", 1) is True
    assert tagged.add("r", 2) is False
    assert tagged.has_key("r")
    assert tagged.get_many(["r", "x"]) == {"r": 1}
    assert tagged.get_or_set("g", lambda: 5) == 5
    calls = []
    assert tagged.remember("m", 60, lambda: calls.append(1) or "v") == "v"
    assert tagged.remember("m", 60, lambda: calls.append(1) or "v") == "v"
    assert len(calls) == 1
    tagged.flush()
    assert tagged.remember("m", 60, lambda: calls.append(1) or "w") == "w"
    assert tagged.delete("g") is False          # flushed already
    assert cache.get("r") is None               # a tagged key is not the plain key


def test_needs_a_tag():
    with pytest.raises(ValueError):
        create_cache("locmem://").tags()
