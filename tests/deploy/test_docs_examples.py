"""The getting-started page's example app, built from the page itself, works."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests_helpers import rustforge_script

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs"
FILE_BLOCK = re.compile(r"```(?:python|html)\n(?:# |\{# )([\w/.]+\.(?:py|html))(?: #\})?\n(.*?)```",
                        re.DOTALL)


def files_of(page: str) -> dict[str, str]:
    return {path: body for path, body in FILE_BLOCK.findall((DOCS / page).read_text())}


def test_getting_started_example_runs(tmp_path):
    files = files_of("getting-started.md")
    assert {"blog/models.py", "blog/resources.py", "blog/routes.py",
            "blog/test_posts.py", "blog/templates/blog/post_list.html"} <= set(files)
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUSTFORGE_", "PYTEST_"))}
    run = {"capture_output": True, "text": True, "timeout": 180, "env": env}
    subprocess.run([rustforge_script(), "startproject", "mysite"], cwd=tmp_path, check=True, **run)
    site = tmp_path / "mysite"
    subprocess.run([sys.executable, "manage.py", "startapp", "blog"], cwd=site, check=True, **run)
    for rel, body in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(body)
    (site / "blog" / "test_app.py").unlink()  # tests the scaffold's Index, replaced above
    settings = site / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace('"mysite",', '"mysite",\n    "blog",'))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "blog"], cwd=site, check=False, **run)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
