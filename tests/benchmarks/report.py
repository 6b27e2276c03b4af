"""The results section of docs/benchmarks.md, written from one run's figures."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import subprocess
import time
from pathlib import Path

from bench import DJANGO_TARGET, DOC, IMPLS, LABELS, TARGETS, median, paired_ratio
from docsection import write_section

CHART = DOC.parent / "benchmarks-scaling.svg"
RSS_TARGET = 45.0
# Bare falcon's warm worker when the target was set: the target leaves RustForge
# RSS_TARGET - RSS_FALCON above it, which holds when the machine's figures move.
RSS_FALCON = 37.0


def machine(pg_version: str) -> list[str]:
    import importlib.metadata as md

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = ", ".join(f"{pkg} {md.version(pkg)}" for pkg in
                         ("falcon", "peewee", "Django", "gunicorn", "psycopg2-binary", "Jinja2"))
    wrk_version = subprocess.run(["wrk", "-v"], check=False, capture_output=True,
                                 text=True).stdout.split()
    return [
        (f"- Machine: {cpu}, {os.cpu_count()} cores{mem}; {platform.system()} "
         f"{platform.release()}; load average at the end {load}"),
        f"- Python {platform.python_version()}; {versions}; PostgreSQL {pg_version} (local)",
        f"- {' '.join(wrk_version[:2]) if wrk_version else 'wrk'}",
    ]


def _verdict(value: float, target: float) -> str:
    return "met" if value >= target else "**missed**"


def summary(data: dict) -> list[str]:
    """RF / falcon and RF / Django per route, sync next to gthread."""
    classes = list(data["load"])
    head = ["route"]
    for cls in classes:
        head += [f"RF / falcon {cls}", f"RF / Django {cls}"]
    lines = ["| " + " | ".join(head) + " | target |", "|---|" + "---:|" * (len(head) - 1) + "---|"]
    routes = list(next(iter(data["load"].values())))
    for route in routes:
        cells, verdicts = [route], []
        for cls in classes:
            rounds = data["load"][cls][route]
            vs_falcon = paired_ratio(rounds["rustforge"], rounds["falcon"])
            vs_django = paired_ratio(rounds["rustforge"], rounds["django"])
            cells += [f"{vs_falcon:.2f}", f"{vs_django:.2f}"]
            verdicts.append(vs_falcon >= TARGETS[route] and vs_django >= DJANGO_TARGET)
        target = (f"≥ {TARGETS[route]:.2f} × falcon, ≥ {DJANGO_TARGET} × Django: "
                  + ("met" if all(verdicts) else "**missed**"))
        lines.append("| " + " | ".join(cells) + f" | {target} |")
    return lines


def render_report(data: dict, plan, pg_version: str) -> str:
    lines = [(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
              f"`{'make bench-quick' if plan.quick else 'make bench'}`."), ""]
    lines += machine(pg_version)
    lines += [
        (f"- gunicorn: {plan.workers} workers, classes {', '.join(plan.classes)} "
         f"(gthread: {plan.threads} threads, `--reuse-port`); load: `wrk -t1 -c{plan.connections} "
         f"-d{plan.duration}s`, {plan.repeat} interleaved round(s) per route, medians."),
        "- Ratios are medians of per-round ratios (A B C measured back to back).",
        ("- RustForge runs the settings of a new project as generated, so its middleware is "
         "the default a user gets, in order: " + ", ".join(
             f"`{m}`" for m in data.get("middleware", []))),
        "", "### Paired ratios", ""]
    lines += summary(data)
    lines.append("")
    for worker_class, by_route in data["load"].items():
        lines += [f"### gunicorn {worker_class}", "",
                  ("| route | bare falcon req/s | RustForge req/s | Django req/s "
                   "| RF / falcon | RF / Django "
                   "| p50 ms (falcon / RF / Django) | p99 ms (falcon / RF / Django) |"),
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for route, rounds in by_route.items():
            rps = {n: median([r["rps"] for r in rounds[n]]) for n in IMPLS}
            p50 = " / ".join(f"{median([r['p50'] for r in rounds[n]]):.2f}" for n in IMPLS)
            p99 = " / ".join(f"{median([r['p99'] for r in rounds[n]]):.2f}" for n in IMPLS)
            vs_falcon = paired_ratio(rounds["rustforge"], rounds["falcon"])
            vs_django = paired_ratio(rounds["rustforge"], rounds["django"])
            failed = {LABELS[n]: sum(r["failed"] for r in rounds[n]) for n in IMPLS}
            failed = {n: count for n, count in failed.items() if count}
            note = (" (errors or timeouts: " + ", ".join(
                f"{n} {count}" for n, count in failed.items()) + ")") if failed else ""
            lines.append(f"| {route}{note} | {rps['falcon']:,.0f} | {rps['rustforge']:,.0f} | "
                         f"{rps['django']:,.0f} | {vs_falcon:.2f} | {vs_django:.2f} "
                         f"| {p50} | {p99} |")
        lines.append("")
    if data.get("scaling"):
        from scaling import WORKER_CLASS, render_table

        lines += ["### Scaling on this machine", "",
                  (f"RustForge alone, gunicorn {WORKER_CLASS} workers, `wrk -t1 -d"
                   f"{plan.duration}s` at 16 and 64 connections:"), "",
                  f"![RustForge requests per second by workers and connections]({CHART.name})",
                  ""]
        lines += render_table(data["scaling"])
        lines.append("")
    lines += ["### Memory, start-up, import", "",
              "| | bare falcon | RustForge | Django |", "|---|---:|---:|---:|"]
    for worker_class, mem in data["memory"].items():
        for key, title in (("idle", "idle"), ("warm", "warm (after load)"),
                           ("peak", "peak")):
            lines.append(f"| worker RSS {title}, {worker_class}, MB | " + " | ".join(
                f"{mem[n][key]:.1f}" for n in IMPLS) + " |")
    start = data["startup"]
    lines.append("| gunicorn start to first 200, s | " + " | ".join(
        f"{start[n]:.2f}" for n in IMPLS) + " |")
    imports = data["imports"]
    lines.append("| `manage.py --help`, s | – | " + " | ".join(
        f"{imports[n]:.2f}" for n in ("rustforge", "django")) + " |")
    every = data.get("all_apps")
    if every:
        # Bare falcon warmed the same way, in the same run (older results lack it).
        falcon = every.get("falcon_warm")
        above = (f"; bare falcon warmed the same way {falcon:.1f} MB, so "
                 f"{every['warm'] - falcon:.1f} MB above it, where the target leaves "
                 f"{RSS_TARGET - RSS_FALCON:.0f}") if falcon else ""
        lines += ["", (f"With every built-in app installed ({', '.join(every['apps'])}), "
                       f"sync workers: RSS idle {every['idle']:.1f} MB, warm "
                       f"{every['warm']:.1f} MB, peak {every['peak']:.1f} MB (target: warm ≤ "
                       f"{RSS_TARGET:.0f} MB, {_verdict(RSS_TARGET, every['warm'])}{above}).")]
    lines += ["", ("In-process cost of one request (WSGI call, no gunicorn, no socket; "
                   "the database routes include the round trips to PostgreSQL):"), "",
              ("| µs per request | bare falcon | RustForge | Django "
               "| RustForge with `DATABASE_FAST_PATH = False` |"),
              "|---|---:|---:|---:|---:|"]
    micro = data["micro"]
    for route in micro["rustforge"]:
        lines.append(f"| {route} | " + " | ".join(
            f"{micro[n][route]:.0f}" for n in (*IMPLS, "peewee")) + " |")
    lines.append("")
    return "\n".join(lines)


def write_doc(report: str) -> None:
    write_section("results", "Results", report)
