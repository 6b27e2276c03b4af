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

# Each stage says how long it took, so that the 15-minute budget of
# `make bench` (2 minutes for --quick) can be checked from any run's output.
BEGAN=$SECONDS
stage() {
    local script="$1" began=$SECONDS
    shift
    "$VENV/bin/python" "tests/benchmarks/$script" "$@"
    echo "[run.sh] $script: $((SECONDS - began)) s (total so far $((SECONDS - BEGAN)) s)" >&2
}

stage bench.py "$@"
# Export throughput: streamed CSV against the csv module on a raw cursor (docs/export.md).
stage export_bench.py "$@"
# GraphQL against REST on the same rows (docs/graphql.md); takes the same options.
stage graphql_bench.py "$@"
# Cache hot paths: Redis against memcached on throwaway servers (docs/cache.md).
stage cache_bench.py "$@"
# Tenant-scoped models against plain ones, in-process (docs/tenancy.md).
stage tenancy_bench.py "$@"
# The OAuth token endpoint and a bearer-protected route against a session one (docs/oauth.md).
stage bench_oauth.py "$@"
# Metrics on against off, per request, in-process (docs/operations.md); takes --quick too.
stage metrics_bench.py "$@"
# Admin list pages over 100,000 rows (docs/admin.md); takes --quick too.
stage admin_list.py "$@"
