"""Every string is a usable cache key: property tests of the key function."""

from hypothesis import given
from hypothesis import strategies as st

from rustforge.cache.keys import make_key

texts = st.text(max_size=600)


@given(texts, st.text(max_size=40), st.integers(min_value=0, max_value=10**6))
def test_server_keys_are_always_valid_for_memcached(key, prefix, version):
    server_key = make_key(key, prefix=prefix, version=version)
    assert 0 < len(server_key) <= 250
    assert all(33 <= ord(ch) <= 126 for ch in server_key)
    assert make_key(key, prefix=prefix, version=version) == server_key


@given(texts, texts)
def test_different_keys_stay_different(a, b):
    if a != b:
        assert make_key(a, prefix="p", version=1) != make_key(b, prefix="p", version=1)


@given(texts)
def test_versions_separate_keys(key):
    assert make_key(key, prefix="p", version=1) != make_key(key, prefix="p", version=2)


def test_a_raw_key_cannot_impersonate_a_hashed_one():
    victim = make_key("café", prefix="p", version=1)        # hashed: 'p:1:h:<sha>'
    crafted = victim.split(":", 2)[2]                        # 'h:<sha>'
    assert make_key(crafted, prefix="p", version=1) != victim
