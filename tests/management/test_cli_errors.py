"""Every command's error path: one clear line on stderr, non-zero exit, no traceback."""

import sys

import pytest

PY = sys.executable


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import subprocess

    from tests_helpers import rustforge_script

    root = tmp_path_factory.mktemp("cli")
    subprocess.run([rustforge_script(), "startproject", "mysite"], cwd=root, check=True,
                   capture_output=True)
    return root / "mysite"


@pytest.fixture
def settings_file(project):
    path = project / "mysite" / "settings.py"
    original = path.read_text()
    yield path
    path.write_text(original)


def manage(run_cli, project, *args, env=None):
    return run_cli([PY, "manage.py", *args], cwd=project, env=env)


def assert_one_line_error(result, *needles):
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("manage.py"), lines[0]
    assert "error: " in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_unknown_command_suggests_the_closest(run_cli, project):
    assert_one_line_error(manage(run_cli, project, "runservr"), "unknown command 'runservr'",
                          "did you mean 'runserver'?")


def test_unknown_command_without_a_close_match_points_to_help(run_cli, project):
    assert_one_line_error(manage(run_cli, project, "frobnicate"), "--help")


def test_bad_option_is_a_usage_error(run_cli, project):
    result = manage(run_cli, project, "runserver", "--no-reload")
    assert result.returncode == 2
    assert result.stderr.startswith("manage.py runserver: error: No such option '--no-reload'")
    assert "Did you mean '--noreload'?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args,needle", [
    (["runserver", "abc"], "not a valid port"),
    (["runserver", "127.0.0.1:70000"], "not a valid port"),
    (["startapp", "1blog"], "not a valid app name"),
    (["startapp", "json"], "conflicts with an importable Python module"),
    (["startapp"], "Missing argument 'NAME'"),
    (["check", "--tag"], "requires an argument"),
    (["shell", "--bogus"], "No such option"),
])
def test_bad_arguments(run_cli, project, args, needle):
    result = manage(run_cli, project, *args)
    assert result.returncode in (1, 2)
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_settings_module(run_cli, project):
    result = manage(run_cli, project, "--settings", "nope.settings", "check")
    assert_one_line_error(result, "'nope.settings' cannot be imported")


def test_no_settings_at_all_for_the_rustforge_script(run_cli, tmp_path, rustforge_bin):
    result = run_cli([rustforge_bin, "check"], cwd=tmp_path)
    assert result.returncode == 1
    assert "settings are not configured" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_with_a_syntax_error(run_cli, project, settings_file):
    settings_file.write_text(settings_file.read_text() + "\nbroken = (\n")
    line = assert_one_line_error(manage(run_cli, project, "check"), "syntax error")
    assert "settings.py, line" in line


def test_settings_that_raise(run_cli, project, settings_file):
    settings_file.write_text(settings_file.read_text() + "\nraise RuntimeError('no')\n")
    assert_one_line_error(manage(run_cli, project, "check"), "RuntimeError: no",
                          "settings.py, line")


def test_bad_environment_value_names_the_variable(run_cli, project):
    result = manage(run_cli, project, "check", env={"DEBUG": "maybe"})
    assert_one_line_error(result, "environment variable DEBUG", "'maybe'")


def test_missing_secret_key_with_debug_off(run_cli, project):
    result = manage(run_cli, project, "check", env={"DEBUG": "0", "SECRET_KEY": ""})
    assert_one_line_error(result, "SECRET_KEY must not be empty when DEBUG is off")


def test_unknown_app_in_installed_apps_suggests(run_cli, project, settings_file):
    (project / "mysite" / "blog").mkdir(exist_ok=True)
    (project / "mysite" / "blog" / "__init__.py").write_text("")
    settings_file.write_text(settings_file.read_text().replace(
        '"mysite",', '"mysite", "mysite.blgo",'))
    assert_one_line_error(manage(run_cli, project, "check"), "cannot import 'mysite.blgo'",
                          "did you mean 'mysite.blog'?")
    assert_one_line_error(manage(run_cli, project, "runserver", "--noreload"), "mysite.blgo")


def test_built_in_commands_work_when_the_project_is_broken(run_cli, project, settings_file):
    settings_file.write_text(settings_file.read_text() + "\nraise RuntimeError('no')\n")
    for args in (["version"], ["newsecret"], ["--help"]):
        result = manage(run_cli, project, *args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    helped = manage(run_cli, project, "--help").stdout
    assert "runserver" in helped and "project commands unavailable" in helped
    started = manage(run_cli, project, "startproject", "other", "elsewhere")
    assert started.returncode == 0, started.stderr


def test_unreachable_database_is_one_line(run_cli, project):
    result = manage(run_cli, project, "shell", "-c", "db.execute_sql('SELECT 1')",
                    env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing"})
    assert_one_line_error(result, "database:", "port 1 failed")


def test_unsupported_database_url(run_cli, project):
    result = manage(run_cli, project, "shell", "-c", "db.execute_sql('SELECT 1')",
                    env={"DATABASE_URL": "mysql://db/x"})
    assert_one_line_error(result, "scheme 'mysql' is not supported")


def test_runserver_on_a_busy_port(run_cli, project):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = manage(run_cli, project, "runserver", "--noreload", f"127.0.0.1:{port}")
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


def test_startproject_refuses_to_overwrite(run_cli, project, rustforge_bin):
    result = run_cli([rustforge_bin, "startproject", "mysite"], cwd=project.parent)
    assert result.returncode == 1
    assert "already" in result.stderr and "Traceback" not in result.stderr


def test_collectstatic_without_static_root(run_cli, project):
    result = manage(run_cli, project, "collectstatic", env={"STATIC_ROOT": ""})
    assert_one_line_error(result, "STATIC_ROOT is not set")


CHECK_MODULE = '''
from rustforge.checks import Error, Warning, register


@register("mysite")
def always(app_configs, **kwargs):
    return [Error("the widget is not configured", hint="Set WIDGET.", id="mysite.E001"),
            Warning("just so you know", id="mysite.W001")]
'''


@pytest.fixture
def failing_check(project):
    path = project / "mysite" / "checks.py"
    path.write_text(CHECK_MODULE)
    yield path
    path.unlink()


def test_check_reports_errors_and_exits_1(run_cli, project, failing_check):
    result = manage(run_cli, project, "check")
    assert result.returncode == 1
    assert "ERROR mysite.E001: the widget is not configured" in result.stderr
    assert "HINT: Set WIDGET." in result.stderr
    assert "WARNING mysite.W001" in result.stderr
    assert "system check found 1 error(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_runserver_refuses_to_start_on_check_errors(run_cli, project, failing_check):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = manage(run_cli, project, "runserver", "--noreload", f"127.0.0.1:{port}")
    assert result.returncode == 1
    assert "mysite.E001" in result.stderr and "fix them or run `check`" in result.stderr


def test_silenced_checks_pass(run_cli, project, failing_check, settings_file):
    settings_file.write_text(settings_file.read_text()
                             + '\nSILENCED_CHECKS = ["mysite.E001", "mysite.W001"]\n')
    result = manage(run_cli, project, "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_help_and_version_never_import_the_web_layer(run_cli, project):
    for args in (["--help"], ["version"]):
        result = manage(run_cli, project, *args, env={"PYTHONPROFILEIMPORTTIME": "1"})
        assert result.returncode == 0, result.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "rustforge.management" in imported
        assert not {m for m in imported if m.split(".")[0] in ("falcon", "jinja2", "whitenoise")}


@pytest.mark.parametrize("args", [["makemigrations", "mysit"], ["migrate", "mysit"],
                                  ["showmigrations", "mysit"], ["sqlmigrate", "mysit", "0001"]])
def test_unknown_app_label(run_cli, project, args):
    result = manage(run_cli, project, *args)
    assert_one_line_error(result, "no installed app with label 'mysit'",
                          "did you mean 'mysite'?")


def test_diffsettings_masks_secrets(run_cli, project):
    result = manage(run_cli, project, "diffsettings",
                    env={"DATABASE_URL": "postgresql://app:hunter2@db:5432/site"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "DATABASE_URL = 'postgresql://app:********@db:5432/site'" in lines
    assert "SECRET_KEY = '********'" in lines
    assert "hunter2" not in result.stdout
    assert "ROOT_ROUTES = 'mysite.urls'" in lines
    assert not any(line.startswith("MAX_BODY_SIZE") for line in lines)  # a default
    everything = manage(run_cli, project, "diffsettings", "--all").stdout
    assert "MAX_BODY_SIZE = 2621440  # default" in everything
