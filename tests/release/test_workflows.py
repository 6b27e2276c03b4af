"""The CI workflows: the repository's call the make targets that exist (the ones .ci/run uses),
and the one `startproject --with-ci` writes runs green on a new project."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z][\w-]*):", text, re.MULTILINE))


def make_calls(text: str) -> set[str]:
    return set(re.findall(r"\bmake\s+(?:-\S+\s+)*([A-Za-z][\w-]*)", text))


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def run_steps(workflow: dict):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield job, step["run"]


@pytest.mark.parametrize("name", ["ci.yml", "release.yml", "security.yml"])
def test_repository_workflows_parse_and_call_existing_targets(name):
    workflow = load(WORKFLOWS / name)
    assert workflow["on"], f"{name} has no trigger"
    assert workflow["jobs"]
    called = set()
    for _, script in run_steps(workflow):
        called |= make_calls(script)
    assert called, f"{name} runs no make target"
    assert called <= make_targets(), called - make_targets()


def test_ci_workflow_runs_what_the_local_ci_runs_on_every_supported_python():
    workflow = load(WORKFLOWS / "ci.yml")
    called = set()
    for _, script in run_steps(workflow):
        called |= make_calls(script)
    local = make_calls((ROOT / ".ci" / "run").read_text())
    assert local and local <= called, local - called
    pythons = workflow["jobs"]["test"]["strategy"]["matrix"]["python"]
    classifiers = re.findall(r"Programming Language :: Python :: (3\.\d+)",
                             (ROOT / "pyproject.toml").read_text())
    assert set(pythons) >= {"3.11", "3.12", "3.13"}
    assert set(classifiers) <= set(pythons)


def test_release_workflow_publishes_only_a_tested_build_on_a_tag():
    workflow = load(WORKFLOWS / "release.yml")
    assert workflow["on"]["push"]["tags"]
    build = " ".join(script for _, script in run_steps(workflow))
    assert make_calls(build) >= {"dist", "dist-check"}
    assert workflow["jobs"]["publish"]["needs"] == "build"


def _job_env(job: dict, database: str) -> dict[str, str]:
    env = {}
    for key, value in job.get("env", {}).items():
        value = str(value)
        # The two expressions the template uses, evaluated as GitHub would.
        value = value.replace("${{ github.run_id }}", "1")
        value = re.sub(r"\$\{\{ matrix\.database == 'postgresql' && '([^']*)' \|\| '' \}\}",
                       lambda m: m.group(1) if database == "postgresql" else "", value)
        assert "${{" not in value, f"unevaluated expression in {key}: {value}"
        env[key] = value
    return env


@pytest.mark.slow
@pytest.mark.sqlite_only  # the project's own test run must not share our PostgreSQL database
def test_startproject_with_ci_writes_a_workflow_that_passes(tmp_path, run_cli, rustforge_bin):
    result = run_cli([rustforge_bin, "startproject", "shipit", "--with-ci"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "shipit"
    (site / ".env").unlink()  # a clean checkout has no .env: it is never committed
    workflow = load(site / ".github" / "workflows" / "ci.yml")
    assert workflow["jobs"]["test"]["strategy"]["matrix"]["database"] == ["sqlite", "postgresql"]
    ran = []
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTFORGE_", "DEBUG"))}
    base["PATH"] = str(Path(sys.executable).parent) + os.pathsep + base["PATH"]
    for job, script in run_steps(workflow):
        if script.startswith("pip install"):
            continue  # the environment running this test has the packages already
        env = {**base, **_job_env(job, "sqlite")}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=site, env=env,
                              capture_output=True, text=True, timeout=180, check=False)
        assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
        ran.append(script)
    joined = "\n".join(ran)
    assert "makemigrations --check" in joined
    assert "check --deploy" in joined
    assert "pytest" in joined
