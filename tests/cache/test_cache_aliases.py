"""CACHES: named caches beside the default one, and who uses which."""

import pytest

from rustforge.cache import cache, caches
from rustforge.exceptions import ImproperlyConfigured


def test_aliases_are_separate_backends(settings, redis_cache, locmem_cache):
    settings.CACHES = {"sessions": redis_cache.url,
                       "pages": {"URL": "locmem://", "KEY_PREFIX": "pages", "TIMEOUT": 5}}
    assert caches["default"] is locmem_cache
    caches["sessions"].set("s", 1)
    assert caches["sessions"].get("s") == 1
    assert caches["pages"].get("s") is None
    assert caches["pages"].default_timeout == 5 and caches["pages"].prefix == "pages"
    assert caches["pages"] is caches["pages"]
    assert caches.aliases() == ["default", "pages", "sessions"]
    settings.CACHES = {}
    with pytest.raises(ImproperlyConfigured, match="no cache named 'sessions'"):
        caches["sessions"]


def test_bad_entries(settings):
    settings.CACHES = {"x": {"URL": "locmem://", "TIMOUT": 3}, "y": 42}
    with pytest.raises(ImproperlyConfigured, match="TIMOUT"):
        caches["x"]
    with pytest.raises(ImproperlyConfigured, match="must be a URL"):
        caches["y"]


def test_default_alias_can_be_named_in_caches(settings):
    settings.CACHES = {"default": {"URL": "locmem://", "KEY_PREFIX": "dflt"}}
    assert cache.prefix == "dflt"
    assert caches["default"].prefix == "dflt"


def test_rate_limits_use_their_alias(settings, redis_cache, locmem_cache):
    from rustforge.ratelimit.limiter import _window_keys, hit

    settings.CACHES = {"limits": redis_cache.url}
    settings.RATELIMIT_CACHE_ALIAS = "limits"
    hit("api", "5/m", "1.2.3.4", now=600.0)
    current, _ = _window_keys("api", "1.2.3.4", 10)
    assert caches["limits"].get(current) == 1
    assert locmem_cache.get(current) is None      # the default cache was not touched


def test_cache_sessions_use_their_alias(settings, redis_cache, locmem_cache):
    from rustforge.contrib.auth.sessions.cache import _cache

    settings.CACHES = {"sessions": redis_cache.url}
    settings.SESSION_CACHE_ALIAS = "sessions"
    assert _cache() is caches["sessions"]
