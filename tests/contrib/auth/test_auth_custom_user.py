"""AUTH_USER_MODEL pointing at a project's own model, migrated from scratch."""

import os
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

SCRIPT = textwrap.dedent("""
    from rustforge.conf import settings
    from rustforge.contrib.auth import get_user_model
    from rustforge.contrib.auth.models import Session, UserGroup, Group
    from rustforge.http import get_wsgi_application
    from rustforge.testing.client import Client

    Member = get_user_model()
    assert Member.__name__ == "Member", Member
    boss = Member.get(Member.username == "boss")
    assert boss.is_superuser and boss.display_name == ""
    client = Client(get_wsgi_application())
    client.get("/accounts/login")
    r = client.post("/accounts/login", data={"username": "boss", "password": "%(pw)s",
                                             "csrf_token": client.cookies["csrftoken"]})
    assert r.status_code == 303, r.text
    assert client.get("/accounts/me").json["username"] == "boss"
    row = Session.get()
    assert row.user_id == boss.id and isinstance(row.user, Member)
    UserGroup.create(user=boss, group=Group.create(name="g"))
    print("custom user ok")
""")


def test_custom_user_model(tmp_path, run_cli):
    members = tmp_path / "members"
    (members / "migrations").mkdir(parents=True)
    (members / "__init__.py").write_text("")
    (members / "migrations" / "__init__.py").write_text("")
    (members / "models.py").write_text(textwrap.dedent("""
        from peewee import CharField
        from rustforge.contrib.auth.base_user import AbstractUser

        class Member(AbstractUser):
            display_name = CharField(max_length=100, default="")
    """))
    (tmp_path / "custom_settings.py").write_text(textwrap.dedent(f"""
        SECRET_KEY = "x" * 50
        ALLOWED_HOSTS = ["testserver"]
        INSTALLED_APPS = ["rustforge.contrib.auth", "members"]
        AUTH_USER_MODEL = "members.Member"
        DATABASE_URL = "sqlite:///{tmp_path / 'custom.sqlite3'}"
        PASSWORD_ARGON2 = {{"memory_cost": 1024, "rounds": 1, "parallelism": 1}}
        MIDDLEWARE = [
            "rustforge.http.middleware.SecurityMiddleware",
            "rustforge.contrib.auth.middleware.SessionMiddleware",
            "rustforge.contrib.auth.middleware.AuthenticationMiddleware",
            "rustforge.contrib.auth.csrf.CsrfMiddleware",
        ]
    """))
    password = "a long unusual passphrase"
    env = {"RUSTFORGE_SETTINGS_MODULE": "custom_settings", "PYTHONPATH": str(tmp_path),
           "RUSTFORGE_SUPERUSER_PASSWORD": password}
    manage = [sys.executable, "-c", "from rustforge.management import main; main()"]
    for args in (["makemigrations", "members"], ["migrate"],
                 ["createsuperuser", "--noinput", "--username", "boss"]):
        done = run_cli([*manage, *args], cwd=tmp_path, env=env, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    migration = (tmp_path / "members" / "migrations" / "001_initial.py").read_text()
    assert "members_member" in migration
    result = run_cli([sys.executable, "-c", SCRIPT % {"pw": password}], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "custom user ok" in result.stdout
    assert os.path.exists(tmp_path / "custom.sqlite3")
