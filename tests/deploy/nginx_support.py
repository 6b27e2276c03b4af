"""nginx from Debian's package, run unprivileged-style in a folder of its own.

``Nginx(folder, site_text)`` wraps deploy/nginx.conf (a site file) in a main
configuration whose pid, logs and temporary files live in ``folder``, listens
on a free port and is stopped by ``stop()``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

MAIN = """\
{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


def require_nginx() -> str:
    if not NGINX:
        pytest.skip("nginx is not installed (tests/setup-services.sh installs nginx-light)")
    return NGINX


def site_for(upstreams: list[int], port: int, static_root: Path | None = None,
             text: str | None = None) -> str:
    """deploy/nginx.conf pointed at local gunicorns and listening on ``port``."""
    text = text or (REPO / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n"
                      for p in upstreams)
    line = "    server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;\n"
    assert line in text, "deploy/nginx.conf's upstream changed; update this helper"
    text = text.replace(line, servers, 1)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "listen [::]:80;\n", "")
    if static_root is not None:
        text = re.sub(r"alias [^;]+;", f"alias {static_root}/;", text)
    return text


class Nginx:
    def __init__(self, folder: Path, site: str, port: int) -> None:
        self.folder = folder
        self.port = port
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "site.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(MAIN.format(folder=folder, user=user))
        self.proc: subprocess.Popen | None = None

    def argv(self, *extra: str) -> list[str]:
        return [require_nginx(), "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                "-e", str(self.folder / "error.log"), *extra]

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv("-t"), capture_output=True, text=True, check=False)

    def start(self) -> Nginx:
        self.proc = subprocess.Popen(self.argv(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        import socket

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("nginx exited: " + self.log())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx never listened: " + self.log())

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
