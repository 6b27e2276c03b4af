"""Tenant-scoped models against plain ones: pk lookups, saves and a one-row list.

Run by ``run.sh`` after the main suite (``make bench``), or alone:
``.venv/bin/python tests/benchmarks/tenancy_bench.py [--quick] [--database-url URL]``.

In-process, on the test project's ``crm.Company`` (a ``TenantModel``) and
``gqlblog.Author`` (a plain model) in a fresh SQLite file (or the given
database, whose tables it creates): what is measured is the framework's cost
per query, the database's being the same for both. Each figure is the best
of several batches; the ratios scoped / plain come from the same run.
Prints a JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def best_of(fn, iterations: int, batches: int = 5) -> float:
    for _ in range(min(iterations, 200)):
        fn()
    best = float("inf")
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter() - started) / iterations)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args, _unknown = parser.parse_known_args()  # run.sh passes the suite's options through
    folder = tempfile.mkdtemp(prefix="tenancy-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["RUSTFORGE_SETTINGS_MODULE"] = "testproject.worker_settings"
    sys.path.insert(0, str(TESTS))

    from rustforge.apps import apps

    apps.populate()
    from testproject.crm.models import Company
    from testproject.gqlblog.models import Author

    from rustforge.contrib.tenancy import Tenant, use_tenant
    from rustforge.contrib.tenancy.lifecycle import create_tenant
    from rustforge.testing.database import create_schema

    create_schema()
    tenant = Tenant.get_or_none(Tenant.slug == "bench") or create_tenant("bench")
    author = Author.create(name="bench")
    with use_tenant(tenant):
        company = Company.create(name=f"bench {time.time_ns()}")

    n = 2_000 if args.quick else 20_000
    results: dict[str, float] = {}

    def save_author():
        author.name = "bench"
        author.save()

    def save_company():
        company.employees = 1
        company.save()

    results["get_by_id plain"] = best_of(lambda: Author.get_by_id(author.id), n)
    results["save plain"] = best_of(save_author, n)
    results["list(select()) plain"] = best_of(lambda: list(Author.select()), n)
    with use_tenant(tenant):
        results["get_by_id scoped"] = best_of(lambda: Company.get_by_id(company.id), n)
        results["save scoped"] = best_of(save_company, n)
        results["list(select()) scoped"] = best_of(lambda: list(Company.select()), n)
    out = {name: round(value, 1) for name, value in results.items()}
    for what in ("get_by_id", "save", "list(select())"):
        out[f"{what} ratio scoped/plain"] = round(
            results[f"{what} scoped"] / results[f"{what} plain"], 2)
    print(json.dumps({"tenancy (us per query)": out}, indent=2))


if __name__ == "__main__":
    main()
