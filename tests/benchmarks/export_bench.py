"""Export throughput: RustForge's streamed CSV against the csv module on a raw cursor.

Run by ``run.sh`` after the main suite (``make bench``), or alone in the
benchmark venv: ``.bench/venv/bin/python tests/benchmarks/export_bench.py``.

One PostgreSQL table of a million rows (id, name, amount, created, paid,
note). Each measurement runs in a fresh process, in interleaved rounds:

* **RustForge CSV**: ``rustforge.contrib.export`` streaming the rows as CSV
  (server-side cursor, value conversion, formula neutralising, UTF-8
  chunks), as ``GET /export/<name>.csv`` does;
* **csv module, raw cursor** (the limit): psycopg2 with a named cursor and
  ``csv.writer``, the same rows and the same chunking, nothing else.

The figures are rows per second of each, their ratio per round (median), and
the peak resident memory of the RustForge run at a tenth of the rows and at
all of them (flat memory: the two are close). PDF reports are measured in
pages per second on ``EXPORT_PDF_MAX_ROWS`` rows. Results go to
docs/benchmarks.md between the ``export`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from docsection import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
TABLE = "exportbench_row"
TARGET = 100_000
CHUNK = 2000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def prepare(url: str, rows: int) -> None:
    import psycopg2

    sys.path.insert(0, str(HERE))
    import bench

    bench.prepare_database(url)
    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f"SELECT count(*) FROM {TABLE}" if _exists(cur) else "SELECT -1")  # noqa: S608
    if cur.fetchone()[0] == rows:
        return
    log(f"filling {TABLE} with {rows:,} rows")
    cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
    cur.execute(f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, name varchar(100) NOT NULL, "
                "amount numeric(12, 2) NOT NULL, created timestamp NOT NULL, "
                "paid boolean NOT NULL, note text NOT NULL)")
    cur.execute(f"INSERT INTO {TABLE} (name, amount, created, paid, note) "  # noqa: S608
                "SELECT 'Customer ' || n, (n %% 100000) / 100.0, "
                "timestamp '2026-01-01' + n * interval '1 minute', n %% 3 = 0, "
                "CASE WHEN n %% 50 = 0 THEN '=SUM(A1:A9)' ELSE 'note ' || md5(n::text) END "
                "FROM generate_series(1, %s) AS n", [rows])
    cur.execute(f"VACUUM ANALYZE {TABLE}")
    conn.close()


def _exists(cur) -> bool:
    cur.execute("SELECT to_regclass(%s)", [TABLE])
    return cur.fetchone()[0] is not None


# Children: one measurement each, in a fresh process -------------------------------------
def _maxrss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_raw(url: str, rows: int, text: bool = False) -> dict:
    import csv
    import io

    import psycopg2
    import psycopg2.extensions as ext

    conn = psycopg2.connect(url)
    start, start_cpu = time.perf_counter(), time.process_time()
    cur = conn.cursor(name="bench_raw")
    cur.itersize = CHUNK
    if text:  # numeric, date, timestamp(tz) as the server's text, as RustForge's CSV asks
        ext.register_type(ext.new_type((1700, 1082, 1114, 1184), "TEXT", lambda v, c: v), cur)
    cur.execute(f"SELECT id, name, amount, created, paid, note FROM {TABLE} "  # noqa: S608
                "WHERE id <= %s ORDER BY id", [rows])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "name", "amount", "created", "paid", "note"])
    size = count = 0
    while batch := cur.fetchmany(CHUNK):
        writer.writerows(batch)
        count += len(batch)
        if buffer.tell() >= 64 * 1024:
            size += len(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    size += len(buffer.getvalue().encode())
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    conn.close()
    return {"rows": count, "seconds": seconds, "cpu": cpu, "bytes": size,
            "maxrss_kb": _maxrss_kb()}


def _exporter(url: str):
    from rustforge.conf import settings

    settings.configure(None, DEBUG=True, DATABASE_URL=url, SECRET_KEY="bench" * 10)
    from peewee import BooleanField, CharField, DateTimeField, DecimalField, TextField

    from rustforge.contrib.export import Exporter
    from rustforge.db import Model

    class Row(Model):
        name = CharField(max_length=100)
        amount = DecimalField(max_digits=12, decimal_places=2)
        created = DateTimeField()
        paid = BooleanField()
        note = TextField()

        class Meta:
            table_name = TABLE

    class RowExport(Exporter):
        name = "rows"
        model = Row
        title = "Benchmark rows"
        columns = ["id", "name", "amount", "created", "paid", "note"]
        permission = None

    return RowExport()


def child_ours(url: str, rows: int) -> dict:
    exporter = _exporter(url)
    from rustforge.contrib.export.render import stream
    from rustforge.db import atomic

    start, start_cpu = time.perf_counter(), time.process_time()
    size = 0
    with atomic():  # what the streamed response opens on PostgreSQL
        for chunk in stream(exporter, "csv", exporter.select({"id__lte": str(rows)})):
            size += len(chunk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "bytes": size,
            "maxrss_kb": _maxrss_kb()}


def child_pdf(url: str, rows: int) -> dict:
    import io

    exporter = _exporter(url)
    import pypdf

    from rustforge.contrib.export.render import write

    out = io.BytesIO()
    start = time.perf_counter()
    write(out, exporter, "pdf", exporter.select({"id__lte": str(rows)}), max_pages=10_000)
    seconds = time.perf_counter() - start
    pages = len(pypdf.PdfReader(io.BytesIO(out.getvalue())).pages)
    return {"rows": rows, "seconds": seconds, "pages": pages, "bytes": len(out.getvalue()),
            "maxrss_kb": _maxrss_kb()}


def child_raw_text(url: str, rows: int) -> dict:
    return child_raw(url, rows, text=True)


CHILDREN = {"raw": child_raw, "raw_text": child_raw_text, "ours": child_ours, "pdf": child_pdf}


def measure(kind: str, url: str, rows: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH",
                                                                                  "")]))
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--rows", str(rows),
                           "--database-url", url], env=env, capture_output=True, text=True,
                          check=False, timeout=1800)
    if done.returncode:
        raise SystemExit(f"error: the {kind} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rate(run: dict) -> float:
    return run["rows"] / run["seconds"]


def _cpu_rate(run: dict) -> float:
    return run["rows"] / max(run["cpu"], 1e-9)


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f}"
    except OSError:
        return "load unknown"


def render(rounds: list[dict], small: dict, pdf: dict, rows: int) -> str:
    def med(kind: str, rate=_rate) -> float:
        return median([rate(r[kind]) for r in rounds])

    def ratio(other: str, rate=_rate) -> float:
        return median([rate(r["ours"]) / rate(r[other]) for r in rounds])

    ours = med("ours")
    big_rss = max(r["ours"]["maxrss_kb"] for r in rounds)
    verdict = "met" if ours >= TARGET else "missed"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mib = 1024

    def row(label: str, kind: str) -> str:
        rss = max(r[kind]["maxrss_kb"] for r in rounds) / mib
        return (f"| {label} | {med(kind):,.0f} | {med(kind, _cpu_rate):,.0f} | "
                f"{rss:.0f} MiB |")

    lines = [
        (f"Measured {when}: {rows:,} rows, PostgreSQL on the same machine, {len(rounds)} "
         f"interleaved round(s), each run in a fresh process; {os.cpu_count()} CPU(s), "
         f"shared ({_load()} at the end)."),
        "",
        "| export | rows/s | rows per client CPU-second | peak RSS |",
        "|---|---:|---:|---:|",
        row(f"RustForge CSV ({rows:,} rows)", "ours"),
        (f"| RustForge CSV ({small['rows']:,} rows) | {_rate(small):,.0f} | "
         f"{_cpu_rate(small):,.0f} | {small['maxrss_kb'] / mib:.0f} MiB |"),
        row(f"csv module, raw psycopg2 named cursor ({rows:,} rows)", "raw"),
        row("the same, values as the server's text", "raw_text"),
        "",
        (f"RustForge CSV: **{ours:,.0f} rows/s** (target ≥ {TARGET:,}: {verdict}). "
         f"RustForge / csv module on a raw cursor: **{ratio('raw'):.2f}** wall clock, "
         f"**{ratio('raw', _cpu_rate):.2f}** client CPU; RustForge / the same with text "
         f"values: **{ratio('raw_text'):.2f}** wall clock, "
         f"**{ratio('raw_text', _cpu_rate):.2f}** client CPU (medians of per-round ratios). "
         f"Peak memory at {small['rows']:,} and {rows:,} rows: "
         f"{small['maxrss_kb'] / mib:.0f} and {big_rss / mib:.0f} MiB."),
        "",
        (f"PDF report, {pdf['rows']:,} rows: {pdf['pages']} pages in {pdf['seconds']:.2f} s, "
         f"**{pdf['pages'] / pdf['seconds']:.1f} pages/s** ({_rate(pdf):,.0f} rows/s)."),
        "",
    ]
    return "\n".join(lines)


def write_doc(report: str) -> None:
    write_section("export", "Exports: CSV throughput", report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--child", choices=sorted(CHILDREN))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rustforge_bench"))
    args, _ = parser.parse_known_args(argv)  # run.sh passes the main suite's options too
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.database_url, args.rows)))
        return 0
    rows = args.rows or (50_000 if args.quick else 1_000_000)
    repeat = args.repeat or (1 if args.quick else 3)
    log(f"Exports: preparing {rows:,} rows")
    prepare(args.database_url, rows)
    rounds = []
    for number in range(repeat):
        log(f"Exports: round {number + 1}/{repeat}")
        rounds.append({"raw": measure("raw", args.database_url, rows),
                       "raw_text": measure("raw_text", args.database_url, rows),
                       "ours": measure("ours", args.database_url, rows)})
    small = measure("ours", args.database_url, rows // 10)
    pdf = measure("pdf", args.database_url, 2000)
    report = render(rounds, small, pdf, rows)
    print(report)
    if not args.no_write:
        write_doc(report)
        log(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
