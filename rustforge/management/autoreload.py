"""Restart the development server when a source file changes.

The parent process only supervises: it starts a child with
``RUSTFORGE_RUN_MAIN=true`` and starts it again whenever the child exits with
status 3, which the child's watcher thread does when a module file, template
or ``.env`` changes. When the project fails to load (a syntax error, a failed
check), the child reports it and keeps watching, so fixing the file brings the
server back. Development only; gunicorn never runs this code.
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


def _watched_files(extra_dirs: list[Path], extra_files: tuple[str, ...] = ()
                   ) -> dict[str, float]:
    mtimes: dict[str, float] = {}
    paths = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    paths.extend(extra_files)
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


def _watch(extra_dirs: list[Path], interval: float, extra_files: tuple[str, ...] = ()) -> None:
    known = _watched_files(extra_dirs, extra_files)
    while True:
        time.sleep(interval)
        current = _watched_files(extra_dirs, extra_files)
        for path, mtime in current.items():
            if known.get(path, mtime) != mtime:
                print(f"{path} changed, reloading.", file=sys.stderr, flush=True)
                os._exit(RESTART_CODE)
        known.update(current)


def start_watcher(extra_dirs: list[Path], interval: float = 1.0,
                  extra_files: tuple[str, ...] = ()) -> None:
    threading.Thread(target=_watch, args=(extra_dirs, interval, extra_files), daemon=True,
                     name="rustforge-autoreload").start()


_SKIP_DIRS = {"__pycache__", "node_modules", "venv", "staticfiles"}


def _project_sources(root: Path | None = None) -> list[str]:
    """Every .py file of the project: a check may have swallowed the error
    that names the broken one."""
    root = root or Path.cwd()
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS]
        found.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".py"))
    return found


def wait_for_fix(exc: BaseException, extra_dirs: list[Path], interval: float = 1.0) -> None:
    """The project failed to load: keep watching, restart when a file changes.

    A module that failed with a SyntaxError is not in ``sys.modules``, so the
    files named by the error and its traceback are watched as well.
    """
    files = _project_sources()
    if isinstance(exc, SyntaxError) and exc.filename:
        files.append(exc.filename)
    tb = exc.__traceback__
    while tb is not None:
        files.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    print("Waiting for a file to change before restarting.", file=sys.stderr, flush=True)
    _watch(extra_dirs, interval, tuple(files))


def is_child() -> bool:
    return os.environ.get(RUN_MAIN) == "true"


def supervise() -> int:
    """Run this same command line in a child until it exits for good."""
    argv = [sys.executable, *sys.orig_argv[1:]]
    env = {**os.environ, RUN_MAIN: "true"}
    while True:
        try:
            code = subprocess.call(argv, env=env)  # noqa: S603 - our own command line again
        except KeyboardInterrupt:
            return 0
        if code != RESTART_CODE:
            return code
