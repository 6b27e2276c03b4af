"""startproject -> schema -> runserver and gunicorn serving real HTTP on loopback."""

import time

import pytest

pytestmark = pytest.mark.slow


def test_runserver_serves_the_welcome_page_static_files_and_the_database(project, serve):
    server = serve(project, "runserver", DEBUG="1")
    status, headers, body = server.get("/", headers={"Host": "localhost"})
    assert status == 200
    assert b"The forge is hot." in body
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = server.get("/static/probe/hello.css")
    assert status == 200 and b"#b7410e" in body
    assert headers["content-type"].startswith("text/css")
    assert server.json("/probe/items", "POST", {"name": "one"})["id"]
    assert server.json("/probe/items")["count"] >= 1
    assert server.get("/static/probe/missing.css")[0] == 404


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_gunicorn_serves_the_same_project(project, serve, worker_class):
    server = serve(project, "gunicorn", workers=2, worker_class=worker_class)
    assert len(server.children()) == 2
    status, _, body = server.get("/")
    assert status == 200 and b"The forge is hot." in body
    before = server.json("/probe/items")["count"]
    for i in range(10):
        server.json("/probe/items", "POST", {"name": f"g{i}"})
    assert server.json("/probe/items")["count"] == before + 10
    workers = {server.json("/probe/session")["worker"] for _ in range(40)}
    assert workers <= set(server.children())
    assert server.get("/static/probe/hello.css")[0] == 200


def test_collectstatic_then_gunicorn_serves_from_static_root(project, serve, tmp_path):
    root = tmp_path / "collected"
    result = project.manage("collectstatic", "--clear", STATIC_ROOT=str(root))
    assert "copied" in result.stdout
    assert (root / "probe" / "hello.css").read_text().startswith("body")
    # The app's source file goes away: only STATIC_ROOT can serve it now.
    source = project.root / "probe" / "static" / "probe" / "hello.css"
    saved = source.read_text()
    source.unlink()
    try:
        server = serve(project, "gunicorn", workers=1, STATIC_ROOT=str(root))
        status, headers, body = server.get("/static/probe/hello.css")
        assert status == 200 and b"#b7410e" in body
        assert "max-age" in headers.get("cache-control", "")
    finally:
        source.write_text(saved)


def test_runserver_reloads_on_code_change(project, serve):
    server = serve(project, "runserver", reload=True, DEBUG="1")
    assert server.json("/probe/version") == {"version": "v1"}
    module = project.root / "probe" / "resources.py"
    original = module.read_text()
    try:
        time.sleep(1.1)  # let the watcher take its first snapshot
        module.write_text(original.replace('VERSION = "v1"', 'VERSION = "v2"'))
        server.wait_for_output("changed, reloading", timeout=15)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if server.json("/probe/version") == {"version": "v2"}:
                    break
            except (OSError, AssertionError):
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("the new code was never served:\n" + server.output())
    finally:
        module.write_text(original)


def test_runserver_survives_a_syntax_error_and_recovers(project, serve):
    server = serve(project, "runserver", reload=True, DEBUG="1")
    module = project.root / "probe" / "resources.py"
    original = module.read_text()
    try:
        time.sleep(1.1)
        module.write_text(original + "\ndef broken(:\n")
        server.wait_for_output("invalid syntax (resources.py, line", timeout=15)
        assert server.proc.poll() is None  # the supervisor keeps watching
        time.sleep(1.1)
        module.write_text(original.replace('VERSION = "v1"', 'VERSION = "v3"'))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if server.json("/probe/version") == {"version": "v3"}:
                    break
            except (OSError, AssertionError):
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("never recovered:\n" + server.output())
    finally:
        module.write_text(original)


def test_shell_has_settings_and_models_imported(project):
    result = project.manage("shell", "-c", "print(Item._meta.table_name, settings.DEBUG, "
                            "Item.select().count() >= 0)")
    assert result.stdout.split() == ["probe_item", "False", "True"]


def test_runserver_reloads_when_dot_env_changes(project, serve):
    server = serve(project, "runserver", reload=True, DEBUG="1")
    env_file = project.root / ".env"
    original = env_file.read_text()
    try:
        time.sleep(1.1)
        env_file.write_text(original + "\n# touched\n")
        server.wait_for_output(".env changed, reloading", timeout=15)
        deadline = time.monotonic() + 15
        while server.output().count("development server at") < 2:  # the child started again
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        assert server.get("/")[0] == 200
    finally:
        env_file.write_text(original)
