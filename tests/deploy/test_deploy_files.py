"""deploy/: rendered from the templates, parseable, and naming only what exists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from time import perf_counter

import pytest
import yaml
from click.testing import CliRunner
from nginx_support import REPO, Nginx, require_nginx, site_for

from rustforge.management.commands.startproject import command as startproject
from rustforge.management.commands.startproject import write_deploy_files

DEPLOY = REPO / "deploy"
ROLES = {"web", "worker", "scheduler", "migrate", "check"}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_deploy_folder_is_what_make_deploy_renders(tmp_path):
    write_deploy_files(tmp_path / "deploy", "mysite", with_gunicorn_conf=True)
    rendered, committed = files(tmp_path / "deploy"), files(DEPLOY)
    assert sorted(rendered) == sorted(committed), "run `make deploy`"
    stale = [name for name in rendered if rendered[name] != committed[name]]
    assert not stale, f"deploy/ drifted from project_template/deploy (run `make deploy`): {stale}"


def test_startproject_with_deploy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(startproject, ["shop", "--with-deploy"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "shop"
    assert (root / "gunicorn.conf.py").exists()
    assert (root / "deploy" / "systemd" / "shop-web.service").exists()
    assert (root / "deploy" / "entrypoint.sh").stat().st_mode & 0o111
    text = (root / "deploy" / "k8s" / "web.yaml").read_text()
    assert "shop-web" in text and "{{" not in text
    # The project's requirements file is the one the Dockerfile installs.
    assert "COPY requirements.txt" in (root / "deploy" / "Dockerfile").read_text()
    assert (root / "requirements.txt").exists()
    plain = tmp_path / "plain"
    CliRunner().invoke(startproject, ["plain", str(plain)])
    assert not (plain / "deploy").exists()


def entrypoint_roles() -> set[str]:
    text = (DEPLOY / "entrypoint.sh").read_text()
    return {role for roles in re.findall(r"^  ([\w|]+)\)$", text, re.MULTILINE)
            for role in roles.split("|")}


def test_entrypoint_roles_run_commands_that_exist():
    assert entrypoint_roles() == ROLES
    from rustforge.management import CORE_COMMANDS

    text = (DEPLOY / "entrypoint.sh").read_text()
    assert "--metrics-port" in text
    for command in re.findall(r"exec python manage.py (\w+)", text):
        assert command in CORE_COMMANDS, command
    assert "exec gunicorn -c gunicorn.conf.py" in text
    assert subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")], check=False).returncode == 0


def test_compose_file():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "scheduler", "migrate", "nginx", "db", "redis",
            "memcached"} <= set(services)
    assert services["web"]["deploy"]["replicas"] == 2
    for name in ("web", "worker", "scheduler", "migrate"):
        assert services[name]["command"][0] in ROLES, name
    assert "/readyz" in json.dumps(services["web"]["healthcheck"])
    env = services["web"]["environment"]
    assert env["CACHE_URL"].startswith("memcached://") and env["REDIS_URL"].startswith("redis://")
    assert env["DATABASE_URL"].startswith("postgresql://")
    nginx = (DEPLOY / "nginx-compose.conf").read_text()
    assert "server web:8000" in nginx
    assert services["nginx"]["volumes"][0].startswith("./nginx-compose.conf:")


def k8s_documents() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_manifests():
    docs = k8s_documents()
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs if "metadata" in d}
    for kind, name in [("Deployment", "mysite-web"), ("Deployment", "mysite-worker"),
                       ("Deployment", "mysite-scheduler"), ("Service", "mysite-web"),
                       ("Ingress", "mysite"), ("ConfigMap", "mysite-config"),
                       ("Secret", "mysite-secrets"), ("HorizontalPodAutoscaler", "mysite-web"),
                       ("PodDisruptionBudget", "mysite-web"), ("Job", "mysite-migrate"),
                       ("PersistentVolumeClaim", "mysite-storage")]:
        assert (kind, name) in kinds, (kind, name)
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in docs if "metadata" in d}
    web = by_name[("Deployment", "mysite-web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for key in ("Deployment", "mysite-web"), ("Deployment", "mysite-worker"), \
            ("Deployment", "mysite-scheduler"), ("Job", "mysite-migrate"):
        pod = by_name[key]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["containers"][0]["args"][0] in ROLES
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (DEPLOY / "k8s" / resource).exists(), resource
    config = by_name[("ConfigMap", "mysite-config")]["data"]
    from rustforge.conf import global_settings

    assert global_settings.HEALTHZ_PATH == "/healthz" and global_settings.READYZ_PATH == "/readyz"
    assert config["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp")  # the emptyDir mount


def test_dockerfile_is_multi_stage_and_unprivileged():
    text = (DEPLOY / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) == 2
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in text
    assert re.search(r'^CMD \["(\w+)"\]', text, re.MULTILINE).group(1) in ROLES
    assert "/healthz" in text


def test_prometheus_and_grafana_use_metrics_that_exist(client, db):
    from rustforge.testing.metrics import snapshot_metrics

    client.get("/items/1")
    from rustforge import metrics

    metrics.count_query(perf_counter())  # /items/1 runs no statement
    metrics.count_job("default", "enqueued")
    metrics.count_cache(True)
    metrics.count_oauth_token("client_credentials")
    names = {re.sub(r"_(bucket|count|sum)$", "", n) for n in snapshot_metrics().names()}
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["scrape_configs"][0]["metrics_path"] == "/metrics"
    exprs = [rule["expr"] for group in yaml.safe_load(
        (DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"] for rule in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana" / "dashboard.json").read_text())
    exprs += [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {m for expr in exprs for m in re.findall(r"\b(rustforge_\w+?)(?:_bucket)?\b", expr)}
    assert used and used <= names, used - names
    assert len(dashboard["panels"]) >= 8


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    import sys

    bin_dir = str(Path(sys.executable).parent)
    (tmp_path / "env").write_text("DEBUG=0\n")
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text().replace("/srv/mysite/.venv/bin", bin_dir)
        text = text.replace("/srv/mysite", str(tmp_path)).replace("/etc/mysite/env",
                                                                  str(tmp_path / "env"))
        copy = tmp_path / unit.name
        copy.write_text(text)
        result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, (unit.name, result.stderr)
        assert "ExecStart=" in text and "Restart=on-failure" in text


def test_nginx_accepts_the_site(tmp_path):
    require_nginx()
    nginx = Nginx(tmp_path / "nginx", site_for([8001, 8002], 8080, tmp_path), 8080)
    result = nginx.test_config()
    assert result.returncode == 0, result.stderr


def test_the_dashboard_picture_matches_the_dashboard():
    from dashboard_picture import DASHBOARD, PICTURE, render

    assert PICTURE.read_text() == render(json.loads(DASHBOARD.read_text())), \
        "run python tests/deploy/dashboard_picture.py"
