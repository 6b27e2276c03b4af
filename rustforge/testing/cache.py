"""Cache fixtures: a fresh local cache per test, a real memcached server, a Redis cache.

    def test_counts(locmem_cache):
        locmem_cache.set("a", 1)             # rustforge.cache.cache sees it too

    def test_redis(redis_cache):
        redis_cache.set("a", 1)              # a real Redis (RUSTFORGE_TEST_CACHE_REDIS_URL)

    def test_shared(memcached):
        settings.CACHE_URL = memcached.url   # memcached://127.0.0.1:<port>
        memcached.stop()                     # a fault drill: reads now miss
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def locmem_cache() -> Iterator[Any]:
    """An empty in-process cache standing in for the ``cache`` service."""
    from rustforge.cache import create_cache
    from rustforge.services import services

    backend = create_cache("locmem://?max_entries=10000")
    with services.override("cache", backend):
        yield backend


class MemcachedServer:
    """A throwaway memcached on a free loopback port (``memcached`` must be installed)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"memcached://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [self.binary, "-p", str(self.port), "-U", "0", "-l", "127.0.0.1", "-m", "32"]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]  # memcached refuses to run as root
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"memcached did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # SIGKILL: a throwaway cache has nothing to save, and it is the harsher drill.
            self.process.kill()
            self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections hang instead of failing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        # The signal is delivered asynchronously: on a busy machine the server
        # may still answer a request or two. Wait until the kernel says stopped.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self._stopped():
            time.sleep(0.005)

    def _stopped(self) -> bool:
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:  # type: ignore[union-attr]
                return stat.read().rsplit(")", 1)[1].split()[0] in ("T", "t")
        except (OSError, IndexError):
            return True  # no /proc (not Linux): the old, racy behaviour

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def memcached_binary() -> str | None:
    found = shutil.which("memcached")
    if found is None and os.path.exists("/usr/bin/memcached"):
        found = "/usr/bin/memcached"
    return found


@pytest.fixture
def memcached() -> Iterator[MemcachedServer]:
    """A real memcached server for this test; skipped when memcached is not installed."""
    binary = memcached_binary()
    if binary is None:
        pytest.skip("memcached is not installed (apt-get install memcached)")
    server = MemcachedServer(binary)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            server.resume()  # a paused server cannot handle SIGTERM
        server.stop()


@pytest.fixture
def redis_cache() -> Iterator[Any]:
    """A ``redis://`` cache on ``RUSTFORGE_TEST_CACHE_REDIS_URL`` (default
    ``redis://127.0.0.1:6379/12``), emptied first, standing in for the ``cache``
    service. Skipped when that Redis does not answer."""
    from rustforge.cache import create_cache
    from rustforge.services import services

    url = os.environ.get("RUSTFORGE_TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12")
    backend = create_cache(url, prefix="test", default_timeout=60)
    backend.clear()
    if not backend.available:
        pytest.skip(f"Redis at {url} is not reachable; set RUSTFORGE_TEST_CACHE_REDIS_URL")
    with services.override("cache", backend):
        yield backend
    backend.clear()
    backend.close()
