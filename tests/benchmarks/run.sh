#!/usr/bin/env bash
# The benchmark suite: `make bench` (full) or `make bench-quick` (--quick).
# Sets up what it needs by itself: wrk (Debian package) and a separate venv
# (.bench/venv) holding RustForge (editable) plus the benchmark-only packages
# (Django, pyinstrument), which never become project dependencies.
# Needs a PostgreSQL server; BENCH_DATABASE_URL picks the database
# (default postgresql://postgres@127.0.0.1:5432/rustforge_bench, created
# when missing). Every other option: tests/benchmarks/run.sh --help
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
VENV="$ROOT/.bench/venv"
REQS="tests/benchmarks/requirements.txt"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

command -v "$PYTHON" >/dev/null || { echo "error: $PYTHON not found" >&2; exit 1; }
STAMP="$VENV/.installed"
WANT="$(cat pyproject.toml "$REQS" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "preparing the benchmark venv (.bench/venv)" >&2
    mkdir -p "$ROOT/.bench"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    LOG="$ROOT/.bench/pip.log"
    if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
           "$VENV/bin/python" -m pip install --quiet -e . -r "$REQS"; } >"$LOG" 2>&1; then
        cat "$LOG" >&2
        echo "error: installing the benchmark venv failed (output above)" >&2
        exit 1
    fi
    echo "$WANT" > "$STAMP"
fi

"$VENV/bin/python" tests/benchmarks/bench.py "$@"
# Export throughput: streamed CSV against the csv module on a raw cursor (docs/export.md).
"$VENV/bin/python" tests/benchmarks/export_bench.py "$@"
# GraphQL against REST on the same rows (docs/graphql.md); takes the same options.
"$VENV/bin/python" tests/benchmarks/graphql_bench.py "$@"
# Cache hot paths: Redis against memcached on throwaway servers (docs/cache.md).
"$VENV/bin/python" tests/benchmarks/cache_bench.py "$@"
# Tenant-scoped models against plain ones, in-process (docs/tenancy.md).
"$VENV/bin/python" tests/benchmarks/tenancy_bench.py "$@"
# The OAuth token endpoint and a bearer-protected route against a session one (docs/oauth.md).
"$VENV/bin/python" tests/benchmarks/bench_oauth.py "$@"
# Metrics on against off, per request, in-process (docs/operations.md); takes --quick too.
"$VENV/bin/python" tests/benchmarks/metrics_bench.py "$@"
# Admin list pages over 100,000 rows (docs/admin.md); takes --quick too.
exec "$VENV/bin/python" tests/benchmarks/admin_list.py "$@"
