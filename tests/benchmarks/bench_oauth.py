"""The OAuth server under gunicorn: the token endpoint and a bearer-protected route.

Run by ``run.sh`` (``make bench``), or alone in the benchmark venv:
``.bench/venv/bin/python tests/benchmarks/bench_oauth.py``.

One generated project (auth + oauth, PostgreSQL, gunicorn sync, 2 workers)
serves three things, loaded by wrk in turn, round after round:

* ``POST /oauth/token`` with ``grant_type=client_credentials`` (HTTP Basic):
  a client authenticated by its secret's keyed digest, a token issued and stored;
* ``GET /api/bearer`` behind ``require_oauth(scopes=["read"])`` with a bearer token;
* ``GET /api/session``, the same JSON behind ``login_required`` with a session cookie.

The figure is the median of the per-round ratios bearer / session (target:
at least 0.8). Results go to docs/benchmarks.md between the ``oauth`` markers.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import sys
import tempfile
import time
from urllib.parse import urlencode

import bench
from bench import BENCH_DIR, BIN, DOC, HERE, Impl, Server, log, median, paired_ratio, run
from docsection import write_section

TARGET = 0.8
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def generate_project(db_url: str) -> Impl:
    root = BENCH_DIR / "projects" / "oauth"
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    run([str(BIN / "rustforge"), "startproject", "oauthsite", str(root)])
    run([str(BIN / "python"), "manage.py", "startapp", "protected"], cwd=root)
    for name in ("apps.py", "resources.py", "routes.py", "setup_data.py"):
        shutil.copy(HERE / "oauth_app" / name, root / "protected" / name)
    settings = root / "oauthsite" / "settings.py"
    text = settings.read_text().replace(
        '    "oauthsite",\n',
        '    "rustforge.contrib.oauth",\n    "oauthsite",\n    "protected",\n', 1)
    # The token endpoint is throttled per client IP; wrk is one IP sending thousands.
    settings.write_text(text + '\nOAUTH_TOKEN_RATELIMIT = ""\n')
    (root / ".env").unlink(missing_ok=True)
    env = dict(os.environ, DEBUG="0", SECRET_KEY="bench-" + "x" * 50,
               ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_URL=db_url)
    run([str(BIN / "python"), "manage.py", "migrate"], cwd=root, env=env)
    return Impl("oauth", root, "oauthsite.wsgi:application", root / "manage.py", env)


def create_data(impl: Impl) -> dict:
    out = run([str(BIN / "python"), "-c",
               "import runpy; runpy.run_path('protected/setup_data.py')"],
              cwd=impl.chdir, env=dict(impl.env, RUSTFORGE_SETTINGS_MODULE="oauthsite.settings",
                                       PYTHONPATH=str(impl.chdir)))
    return json.loads(out.strip().splitlines()[-1])


def login_cookie(port: int) -> str:
    """Log the bench user in through the login form; the session cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/accounts/login", headers={"Host": "127.0.0.1"})
    resp = conn.getresponse()
    page = resp.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": token, "username": "bench",
                      "password": "bench passphrase 2026"})
    conn.request("POST", "/accounts/login", body=body, headers={
        "Host": "127.0.0.1", "Origin": "http://127.0.0.1",
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"})
    resp = conn.getresponse()
    resp.read()
    cookies = [c for c in (resp.getheader("Set-Cookie") or "").split(", ")]
    session = next(re.search(r"sessionid=([^;]+)", c).group(1) for c in cookies
                   if "sessionid=" in c)
    conn.close()
    return f"sessionid={session}"


def request(port: int, method: str, path: str, headers: dict, body: str = "") -> tuple:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body or None, headers={"Host": "127.0.0.1", **headers})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def wrk(port: int, path: str, duration: int, connections: int, script: str) -> dict:
    """wrk with a Lua script (method, headers, body)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = run(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "20s",
                   "--latency", "-s", handle.name, f"http://127.0.0.1:{port}{path}"])
    finally:
        os.unlink(handle.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * _UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"),
            "failed": int(bad.group(1)) if bad else 0}


def lua(method: str, headers: dict, body: str = "") -> str:
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if body:
        lines.append(f'wrk.body = "{body}"')
    return "\n".join(lines) + "\n"


def measure(impl: Impl, duration: int, repeat: int, connections: int) -> dict:
    data = create_data(impl)
    server = Server(impl, 2, "sync", 1)
    try:
        deadline = time.perf_counter() + 30
        while True:
            try:
                if request(server.port, "GET", "/accounts/login", {})[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline or server.proc.poll() is not None:
                raise SystemExit(f"error: the OAuth project did not start; see {server.log.name}")
            time.sleep(0.05)
        basic = base64.b64encode(f"{data['client_id']}:{data['client_secret']}".encode()).decode()
        cookie = login_cookie(server.port)
        loads = {
            "POST /oauth/token (client credentials)": (
                "/oauth/token", lua("POST", {"Authorization": f"Basic {basic}", "Content-Type":
                                             "application/x-www-form-urlencoded"},
                                    "grant_type=client_credentials&scope=read")),
            "GET /api/bearer (bearer token)": (
                "/api/bearer", lua("GET", {"Authorization": f"Bearer {data['access_token']}"})),
            "GET /api/session (session cookie)": (
                "/api/session", lua("GET", {"Cookie": cookie})),
        }
        # Correctness first: each answers 200 with the user's JSON, and a token.
        for name, (path, _script) in loads.items():
            if path == "/oauth/token":
                status, body = request(server.port, "POST", path, {
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/x-www-form-urlencoded"},
                    "grant_type=client_credentials&scope=read")
                assert status == 200 and "access_token" in json.loads(body), body
            else:
                headers = ({"Authorization": f"Bearer {data['access_token']}"}
                           if "bearer" in path else {"Cookie": cookie})
                status, body = request(server.port, "GET", path, headers)
                assert status == 200 and json.loads(body)["username"] == "bench", (name, body)
        for path, script in loads.values():  # warm-up: every worker, every route
            wrk(server.port, path, 1, connections, script)
        rounds: dict[str, list] = {name: [] for name in loads}
        for _ in range(repeat):
            for name, (path, script) in loads.items():
                rounds[name].append(wrk(server.port, path, duration, connections, script))
        return rounds
    finally:
        server.stop()


def render(rounds: dict, duration: int, repeat: int, connections: int) -> str:
    names = list(rounds)
    ratio = paired_ratio(rounds[names[1]], rounds[names[2]])
    verdict = "met" if ratio >= TARGET else "**missed**"
    failed = sum(r["failed"] for results in rounds.values() for r in results)
    lines = [(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: gunicorn sync, "
              f"2 workers, PostgreSQL; `wrk -t1 -c{connections} -d{duration}s`, {repeat} "
              f"interleaved round(s); {failed} non-2xx responses."), "",
             "| load | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for name, results in rounds.items():
        lines.append(f"| {name} | {median([r['rps'] for r in results]):,.0f} | "
                     f"{median([r['p50'] for r in results]):.2f} | "
                     f"{median([r['p99'] for r in results]):.2f} |")
    lines += ["", (f"Bearer / session on the same JSON: **{ratio:.2f}** "
                   f"(target ≥ {TARGET}: {verdict})."), ""]
    return "\n".join(lines)


def write_doc(report: str) -> None:
    write_section("oauth", "OAuth", report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--duration", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rustforge_bench"))
    args, _ = parser.parse_known_args(argv)  # run.sh passes the main suite's options too
    duration = args.duration or (1 if args.quick else 3)
    repeat = args.repeat or (1 if args.quick else 5)
    BENCH_DIR.mkdir(exist_ok=True)
    log("OAuth: preparing")
    bench.prepare_database(args.database_url)
    impl = generate_project(args.database_url)
    rounds = measure(impl, duration, repeat, args.connections)
    report = render(rounds, duration, repeat, args.connections)
    print(report)
    if not args.no_write:
        write_doc(report)
        log(f"wrote {DOC.relative_to(bench.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
