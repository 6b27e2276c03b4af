#!/bin/sh
# Entrypoint of the mysite image and units: one command per role.
#
#   deploy/entrypoint.sh web         gunicorn with gunicorn.conf.py (the default)
#   deploy/entrypoint.sh worker ...  an rq worker (queues as arguments)
#   deploy/entrypoint.sh scheduler   an rq worker that also enqueues due and periodic jobs
#   deploy/entrypoint.sh migrate     apply migrations (run once, before a rollout)
#   deploy/entrypoint.sh check       check --deploy; non-zero on errors
#   deploy/entrypoint.sh <command>   anything else, as given
set -eu

role="${1:-web}"
[ $# -gt 0 ] && shift

case "$role" in
  web)
    # prometheus_client's multiprocess files must start empty: counts of a
    # previous run would be added to this one's.
    PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/mysite-metrics}"
    export PROMETHEUS_MULTIPROC_DIR
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec gunicorn -c gunicorn.conf.py "$@"
    ;;
  worker|scheduler)
    # The work horses' job counts: a folder of the worker's own, served on
    # WORKER_METRICS_PORT when it is set.
    PROMETHEUS_MULTIPROC_DIR="${WORKER_METRICS_DIR:-/tmp/mysite-$role-metrics}"
    export PROMETHEUS_MULTIPROC_DIR
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    [ "$role" = scheduler ] && set -- --with-scheduler "$@"
    if [ -n "${WORKER_METRICS_PORT:-}" ]; then
      set -- --metrics-port "$WORKER_METRICS_PORT" \
             --metrics-addr "${WORKER_METRICS_ADDR:-127.0.0.1}" "$@"
    fi
    exec python manage.py rqworker "$@"
    ;;
  migrate)
    exec python manage.py migrate "$@"
    ;;
  check)
    exec python manage.py check --deploy "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
