"""createsuperuser / changepassword / clearsessions, in-process and as a real process."""

import os
import sys
import textwrap

import pytest

from rustforge.contrib.auth import get_user_model
from rustforge.management import main

GOOD = "a long and unusual passphrase"


def run(argv, capsys, monkeypatch, env=None, stdin=None):
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    if stdin is not None:
        import io
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_createsuperuser_noinput(db, capsys, monkeypatch):
    code, out, err = run(["createsuperuser", "--noinput", "--username", "root",
                          "--email", "root@example.com"], capsys, monkeypatch,
                         env={"RUSTFORGE_SUPERUSER_PASSWORD": GOOD})
    assert code == 0, err
    assert "Superuser 'root' created." in out
    model = get_user_model()
    root = model.get(model.username == "root")
    assert root.is_superuser and root.is_staff and root.check_password(GOOD)


@pytest.mark.parametrize("argv,env,message", [
    (["--noinput"], {"RUSTFORGE_SUPERUSER_PASSWORD": GOOD}, "--username is required"),
    (["--noinput", "--username", "x"], {}, "set RUSTFORGE_SUPERUSER_PASSWORD"),
    (["--noinput", "--username", "x"], {"RUSTFORGE_SUPERUSER_PASSWORD": "123"},
     "password refused: This password is too short"),
    (["--noinput", "--username", "x", "--email", "nope"],
     {"RUSTFORGE_SUPERUSER_PASSWORD": GOOD}, "'nope' is not a valid e-mail address"),
    (["--noinput", "--username", "y" * 151], {"RUSTFORGE_SUPERUSER_PASSWORD": GOOD},
     "the username must be 1 to 150 characters long"),
])
def test_createsuperuser_errors_are_one_line(db, capsys, monkeypatch, argv, env, message):
    monkeypatch.delenv("RUSTFORGE_SUPERUSER_PASSWORD", raising=False)
    code, _out, err = run(["createsuperuser", *argv], capsys, monkeypatch, env=env)
    assert code == 1
    assert err.startswith("manage.py: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert get_user_model().select().count() == 0


def test_createsuperuser_duplicate(db, capsys, monkeypatch, make_user):
    make_user("root")
    code, _out, err = run(["createsuperuser", "--noinput", "--username", "root"], capsys,
                          monkeypatch, env={"RUSTFORGE_SUPERUSER_PASSWORD": GOOD})
    assert code == 1 and err == "manage.py: error: a user named 'root' already exists\n"


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_createsuperuser_interactive(db, capsys, monkeypatch):
    stdin = f"ada\nada@example.com\n123\n123\n{GOOD}\n{GOOD}\n"
    code, _out, err = run(["createsuperuser"], capsys, monkeypatch, stdin=stdin)
    assert code == 0, err
    assert "too short" in err
    model = get_user_model()
    assert model.get(model.username == "ada").check_password(GOOD)


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_changepassword_logs_out_every_session(client, make_user, login, capsys, monkeypatch):
    from rustforge.contrib.auth.models import Session

    ada = make_user("ada")
    login(client, ada)
    assert Session.select().count() == 1
    code, _out, err = run(["changepassword", "ada"], capsys, monkeypatch,
                         stdin=f"{GOOD}\n{GOOD}\n")
    assert code == 0, err
    assert Session.select().count() == 0
    assert client.get("/accounts/me").status_code == 401
    code, _out, err = run(["changepassword", "ghost"], capsys, monkeypatch)
    assert code == 1 and err == "manage.py: error: no user named 'ghost'\n"


def test_commands_are_listed_under_the_app(capsys, monkeypatch):
    code, out, _err = run(["--help"], capsys, monkeypatch)
    assert code == 0
    section = out.split("[auth]")[1]
    for name in ("createsuperuser", "changepassword", "clearsessions"):
        assert name in section


@pytest.mark.sqlite_only
def test_createsuperuser_in_a_real_process(tmp_path, run_cli):
    """migrate + createsuperuser --noinput in a fresh project database, as a deployer would."""
    (tmp_path / "cli_settings.py").write_text(textwrap.dedent(f"""
        from testproject.settings import *
        DATABASE_URL = "sqlite:///{tmp_path / 'cli.sqlite3'}"
    """))
    tests_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {"RUSTFORGE_SETTINGS_MODULE": "cli_settings",
           "PYTHONPATH": os.pathsep.join([str(tmp_path), tests_dir]),
           "RUSTFORGE_SUPERUSER_PASSWORD": GOOD}
    manage = [sys.executable, "-c", "from rustforge.management import main; main()"]
    migrated = run_cli([*manage, "migrate"], cwd=tmp_path, env=env, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    created = run_cli([*manage, "createsuperuser", "--noinput", "--username", "boss"],
                      cwd=tmp_path, env=env)
    assert created.returncode == 0, created.stderr
    assert "Superuser 'boss' created." in created.stdout
    again = run_cli([*manage, "createsuperuser", "--noinput", "--username", "boss"],
                    cwd=tmp_path, env=env)
    assert again.returncode == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("error: a user named 'boss' already exists")
