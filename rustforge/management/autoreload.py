"""Restart the development server when a source file changes.

The parent process only supervises: it starts a child with
``RUSTFORGE_RUN_MAIN=true`` and starts it again whenever the child exits with
status 3, which the child's watcher thread does when a module file, template
or ``.env`` changes. Development only; gunicorn never runs this code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

RUN_MAIN = "RUSTFORGE_RUN_MAIN"
RESTART_CODE = 3


def _watched_files(extra_dirs: list[Path]) -> dict[str, float]:
    mtimes: dict[str, float] = {}
    paths = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    for folder in extra_dirs:
        if folder.is_dir():
            paths.extend(str(p) for p in folder.rglob("*") if p.suffix in (".html", ".txt", ".xml"))
    for path in paths:
        if not path:
            continue
        try:
            mtimes[path] = os.stat(path).st_mtime
        except OSError:
            continue
    return mtimes


def _watch(extra_dirs: list[Path], interval: float) -> None:
    known = _watched_files(extra_dirs)
    while True:
        time.sleep(interval)
        current = _watched_files(extra_dirs)
        for path, mtime in current.items():
            if known.get(path, mtime) != mtime:
                print(f"{path} changed, reloading.", file=sys.stderr, flush=True)
                os._exit(RESTART_CODE)
        known.update(current)


def start_watcher(extra_dirs: list[Path], interval: float = 1.0) -> None:
    threading.Thread(target=_watch, args=(extra_dirs, interval), daemon=True,
                     name="rustforge-autoreload").start()


def is_child() -> bool:
    return os.environ.get(RUN_MAIN) == "true"


def supervise() -> int:
    """Run this same command line in a child until it exits for good."""
    argv = [sys.executable, *sys.orig_argv[1:]]
    env = {**os.environ, RUN_MAIN: "true"}
    while True:
        try:
            code = subprocess.call(argv, env=env)
        except KeyboardInterrupt:
            return 0
        if code != RESTART_CODE:
            return code
