"""gunicorn settings for mysite: ``gunicorn -c gunicorn.conf.py``.

Tuned for prefork sync workers behind nginx (see deploy/ and the RustForge
docs, deployment.md and operations.md). Every value can be overridden from the
environment (or on the command line).
"""

import multiprocessing
import os
import re
import tempfile

from rustforge.logging import logging_config

wsgi_app = "mysite.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers are CPU-bound between queries: about two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# "sync" (one request at a time per worker) or "gthread" (THREADS per worker).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("THREADS", 4 if worker_class == "gthread" else 1))
# Import the project once in the master, then fork: faster starts, shared memory.
# RustForge opens no connection at import and resets every per-process
# resource after fork (post_fork below), so this is safe.
preload_app = os.environ.get("PRELOAD_APP", "1") == "1"
# A worker silent for TIMEOUT seconds is killed and replaced; on SIGTERM the
# workers get GRACEFUL_TIMEOUT seconds to finish the requests they hold.
timeout = int(os.environ.get("TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle workers now and then (slow leaks in third-party code); the jitter
# keeps them from all restarting at once.
max_requests = int(os.environ.get("MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("MAX_REQUESTS_JITTER", max_requests // 10))
# The workers' heartbeat files: in memory, so a slow disk cannot make the
# master think a busy worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn >= 25.1 opens a control socket at one path per user by default, so
# two sites (or a site and its tests) on one host would fight over it. Off
# unless CONTROL_SOCKET names a path for this site. Older gunicorn ignores both.
control_socket = os.environ.get("CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# One logging configuration for gunicorn and the app: LOG_FORMAT=console|json.
# An empty ACCESS_LOG turns the access log off.
_access = os.environ.get("ACCESS_LOG", "-") != ""
logconfig_dict = logging_config(access=_access)
accesslog = "-" if _access else None
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'

# Prometheus metrics of all workers are summed from files in this directory
# (prometheus_client's multiprocess mode). It must be set before the app is
# imported; one directory per bound address keeps two sites apart.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(worker_tmp_dir or tempfile.gettempdir(),
                 "mysite-metrics-" + re.sub(r"[^A-Za-z0-9.]+", "_", bind)))


def on_starting(server):
    # Counts from a previous run would be added to this one's: start empty.
    from rustforge.metrics import prepare_multiprocess_dir

    prepare_multiprocess_dir()


def on_exit(server):
    # Every worker has stopped: the metrics files (in memory, under /dev/shm) go too.
    from rustforge.metrics import remove_multiprocess_files

    remove_multiprocess_files()


def post_fork(server, worker):
    # Drop connections and clients inherited from the master without closing
    # them on the server side (the master still owns those sockets).
    from rustforge.services import reset_after_fork

    reset_after_fork()


def child_exit(server, worker):
    # A dead worker's counters stay (totals never go back); its live gauges go.
    from rustforge.metrics import mark_process_dead

    mark_process_dead(worker.pid)
