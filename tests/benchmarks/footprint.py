"""Worker memory of a RustForge project with every built-in app installed.

Part of ``make bench``: a copy of the generated RustForge project whose
``INSTALLED_APPS`` lists every app under ``rustforge.contrib`` (found on disk,
so an app added later is measured without editing this file), served by
gunicorn (sync, 2 workers) and warmed on the benchmark routes before the
resident set size of its workers is read. Bare falcon is served and warmed the
same way right after: a worker's absolute size moves by about a megabyte with
the machine's state, bare falcon's with it, so the report gives the
difference too (the 45 MB target leaves RustForge 8 MB above bare falcon).
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


def warmed(impl, warm_requests: int) -> tuple[float, float, float]:
    """Idle, warm and peak worker RSS (MB) of ``impl`` warmed on ``WARM_PATHS``."""
    from bench import Server, fetch

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
                    raise SystemExit(f"error: {impl.name}: {path} answered {status}")
        rss, peak = server.memory()
    finally:
        server.stop()
    return idle, rss, peak


def measure(rf, falcon, warm_requests: int) -> dict:
    """Idle and warm worker RSS (MB) with every built-in app, which apps those
    were, and bare falcon's warm RSS measured the same way."""
    impl, apps = all_apps_project(rf)
    idle, rss, peak = warmed(impl, warm_requests)
    return {"apps": [name.rsplit(".", 1)[1] for name in apps], "idle": idle, "warm": rss,
            "peak": peak, "falcon_warm": warmed(falcon, warm_requests)[1]}
