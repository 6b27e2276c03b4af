"""Admin list pages over a big PostgreSQL table: median time per page and the query count.

Run by ``run.sh`` (``make bench``), or alone with the project's venv:
``.venv/bin/python tests/benchmarks/admin_list.py [--rows 100000] [--quick]``.

The test project's ``blog`` app (its ``PostAdmin``: a foreign-key column, a choices column, a
method column, search across title, body and the author's name, five filters) is loaded with
``--rows`` posts by 1,000 authors in a database of its own (``ADMIN_BENCH_DATABASE_URL``,
default ``postgresql://postgres@127.0.0.1:5432/rustforge_bench_admin``, created when missing
and emptied). Pages are requested in-process through the WSGI application with a logged-in
superuser (sessions, authentication and CSRF middleware on), so the figure is the server's
time without the network. Each page is timed ``--repeat`` times after a warm-up; the query
count of one request is recorded at 20 and at 100 rows per page, which must be equal.
Results go to docs/benchmarks.md between the ``admin`` markers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from docsection import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
TARGET_MS = 50.0
WORDS = ["engine", "loom", "lathe", "boiler", "gear", "piston", "spindle", "valve", "crank",
         "turbine"]
PAGES = {
    "list": "/admin/blog/post",
    "search": "/admin/blog/post?q=engine",
    "search, 2 words": "/admin/blog/post?q=engine+notes",
    "search + filter": "/admin/blog/post?q=loom&status=published",
    "sorted by author": "/admin/blog/post?o=author",
    "page 200": "/admin/blog/post?p=200",
}


_OVERRIDES: list = []


def log(message: str) -> None:
    print(f"[admin_list] {message}", file=sys.stderr, flush=True)


def ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    try:
        psycopg2.connect(url).close()
    except psycopg2.OperationalError as exc:
        if f'database "{name}" does not exist' not in str(exc):
            raise SystemExit(f"error: cannot reach PostgreSQL at {url}: {exc}".strip()) from None
        admin = psycopg2.connect(url.replace(urlsplit(url).path, "/postgres", 1))
        admin.autocommit = True
        admin.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        admin.close()


def configure(url: str) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ["RUSTFORGE_SETTINGS_MODULE"] = "testproject.settings"
    from rustforge.apps import apps
    from rustforge.conf import settings

    # Kept referenced: a dropped override is undone when it is garbage-collected.
    _OVERRIDES.append(settings.override(
        DATABASE_URL=url, DEBUG=False,
        MIDDLEWARE=["rustforge.http.middleware.SecurityMiddleware",
                    "rustforge.contrib.auth.middleware.SessionMiddleware",
                    "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
                    "rustforge.contrib.auth.csrf.CsrfMiddleware"],
        PASSWORD_ARGON2={"memory_cost": 1024, "rounds": 1, "parallelism": 1},
    ))
    _OVERRIDES[-1].__enter__()
    apps.populate()


def fill(rows: int) -> None:
    import datetime as dt

    from testproject.blog.models import Author, Category, Post

    from rustforge.contrib.auth.permissions import create_permissions
    from rustforge.db import atomic, get_database
    from rustforge.testing.database import create_schema, drop_everything

    db = get_database()
    drop_everything(db)
    create_schema()
    create_permissions()
    log(f"inserting {rows:,} posts")
    with atomic():
        Author.insert_many([{"name": f"Author {n} {WORDS[n % 10]}", "email": f"a{n}@example.com"}
                            for n in range(1000)]).execute()
        Category.insert_many([{"name": f"Category {n}"} for n in range(20)]).execute()
    start = dt.datetime(2020, 1, 1)
    batch = 5000
    for first in range(0, rows, batch):
        with atomic():
            Post.insert_many([{
                "title": f"Notes {n} on the {WORDS[n % 10]} and the {WORDS[(n // 10) % 10]}",
                "body": f"A short text about a {WORDS[(n * 7) % 10]}, number {n}.",
                "author": 1 + n % 1000, "category": 1 + n % 20 if n % 5 else None,
                "status": ("draft", "review", "published")[n % 3], "published": n % 3 == 2,
                "created": start + dt.timedelta(minutes=n),
            } for n in range(first, min(rows, first + batch))]).execute()
    db.execute_sql("VACUUM ANALYZE blog_post")
    db.execute_sql("VACUUM ANALYZE blog_author")


def client_logged_in():
    from rustforge.contrib.auth import get_user_model
    from rustforge.http import get_wsgi_application
    from rustforge.testing.client import Client

    get_user_model().create_superuser("bench", "bench@example.com", "a long bench passphrase")
    client = Client(get_wsgi_application())
    client.get("/accounts/login")
    response = client.post("/accounts/login",
                           json={"username": "bench", "password": "a long bench passphrase"},
                           headers={"X-CSRFToken": client.cookies.get("csrftoken", ""),
                                    "Origin": "http://testserver"})
    assert response.status_code == 200, response.text
    return client


def timed(client, path: str, repeat: int) -> list[float]:
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def query_counts(client) -> tuple[int, int]:
    from testproject.blog.models import Post

    from rustforge.contrib.admin import site
    from rustforge.testing.queries import capture_queries

    post_admin = site.admin_for(Post)
    counts = []
    for per_page in (20, 100):
        post_admin.list_per_page = per_page
        with capture_queries() as queries:
            client.get("/admin/blog/post?q=engine")
        counts.append(len(queries))
    post_admin.list_per_page = 20
    return counts[0], counts[1]


def measure(client, repeat: int) -> dict[str, dict[str, list[float]]]:
    from rustforge.conf import settings

    results: dict[str, dict[str, list[float]]] = {"exact counts": {}, "fast counts": {}}
    for mode, threshold, limit in (("exact counts", None, None),
                                   ("fast counts", 10_000, 1_000)):
        with settings.override(ADMIN_COUNT_ESTIMATE_THRESHOLD=threshold,
                               ADMIN_FILTERED_COUNT_LIMIT=limit):
            for name, path in PAGES.items():
                results[mode][name] = timed(client, path, repeat)
                log(f"{mode:>16} | {name:<18} median "
                    f"{statistics.median(results[mode][name]):6.1f} ms")
    return results


def render(rows: int, repeat: int, results: dict, counts: tuple[int, int]) -> str:
    when = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    lines = [(f"Measured {when}: {rows:,} posts (1,000 authors), PostgreSQL, in-process WSGI "
              f"with a logged-in superuser; {repeat} requests per page after a warm-up."), "",
             "| page | exact counts: p50 ms | p90 ms | fast counts: p50 ms | p90 ms |",
             "|---|---:|---:|---:|---:|"]
    for name, path in PAGES.items():
        row = [f"`{path.replace('/admin/blog/post', '') or '(no parameters)'}` ({name})"]
        for mode in ("exact counts", "fast counts"):
            samples = sorted(results[mode][name])
            row += [f"{statistics.median(samples):.1f}",
                    f"{samples[int(len(samples) * 0.9) - 1]:.1f}"]
        lines.append("| " + " | ".join(row) + " |")
    exact = statistics.median(results["exact counts"]["search"])
    fast = statistics.median(results["fast counts"]["search"])
    verdict = "met" if fast < TARGET_MS else "**missed**"
    lines += ["", ("Fast counts: `ADMIN_COUNT_ESTIMATE_THRESHOLD = 10_000`, "
                   "`ADMIN_FILTERED_COUNT_LIMIT = 1_000`."), "",
              (f"Search with a foreign-key column: **{fast:.1f} ms** at the median with fast "
               f"counts (target < {TARGET_MS:.0f} ms: {verdict}), {exact:.1f} ms with exact "
               f"counts. Queries per list page: {counts[0]} at 20 rows, {counts[1]} at 100 "
               "rows."), ""]
    return "\n".join(lines)


def write_doc(report: str) -> None:
    write_section("admin", "Admin list pages", report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get(
        "ADMIN_BENCH_DATABASE_URL",
        "postgresql://postgres@127.0.0.1:5432/rustforge_bench_admin"))
    args, _ = parser.parse_known_args(argv)  # run.sh passes the main suite's options too
    rows = args.rows or (5_000 if args.quick else 100_000)
    repeat = args.repeat or (5 if args.quick else 40)
    ensure_database(args.database_url)
    configure(args.database_url)
    fill(rows)
    client = client_logged_in()
    counts = query_counts(client)
    if counts[0] != counts[1]:
        raise SystemExit(f"error: the list page's queries grow with the page: {counts}")
    results = measure(client, repeat)
    report = render(rows, repeat, results, counts)
    print(report)
    if not args.no_write:
        write_doc(report)
        log(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
