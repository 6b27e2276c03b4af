"""Worker memory of a RustForge project with every built-in app installed.

Part of ``make bench``: a copy of the generated RustForge project whose
``INSTALLED_APPS`` lists every app under ``rustforge.contrib`` (found on disk,
so an app added later is measured without editing this file), served by
gunicorn (sync, 2 workers) and warmed on the benchmark routes before the
resident set size of its workers is read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import rustforge

WARM_PATHS = ("/json", "/db", "/fortunes", "/queries?queries=20",
              "/posts?include=author&limit=20")


def builtin_apps() -> list[str]:
    contrib = Path(rustforge.__file__).resolve().parent / "contrib"
    return sorted(f"rustforge.contrib.{p.parent.name}" for p in contrib.glob("*/apps.py"))


def all_apps_project(rf) -> tuple[object, list[str]]:
    """A copy of the RustForge implementation with every built-in app installed."""
    from bench import BENCH_DIR, Impl

    root = BENCH_DIR / "projects" / "rustforge-all-apps"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(rf.chdir, root, ignore=shutil.ignore_patterns("__pycache__"))
    apps = builtin_apps()
    settings = root / "tfbsite" / "settings.py"
    text = settings.read_text()
    listed = "".join(f'    "{name}",\n' for name in apps if f'"{name}"' not in text)
    settings.write_text(text.replace('    "tfbsite",\n', listed + '    "tfbsite",\n', 1))
    return Impl("rustforge-all-apps", root, rf.module, root / "manage.py", rf.env), apps


def measure(rf, warm_requests: int) -> dict:
    """Idle and warm worker RSS (MB) with every built-in app, and which apps those were."""
    from bench import Server, fetch

    impl, apps = all_apps_project(rf)
    server = Server(impl, 2, "sync", 1)
    try:
        server.wait_ready()
        for _ in range(6):
            fetch(server.port, "/json")
        idle = server.memory()[0]
        for path in WARM_PATHS:
            for _ in range(warm_requests):
                status = fetch(server.port, path)[0]
                if status != 200:
                    raise SystemExit(f"error: with every app installed {path} answered {status}")
        rss, peak = server.memory()
    finally:
        server.stop()
    return {"apps": [name.rsplit(".", 1)[1] for name in apps], "idle": idle, "warm": rss,
            "peak": peak}
