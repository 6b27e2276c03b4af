"""Settings: defaults, the project module, env helpers and clear errors."""

import pytest

from rustforge.conf import LazySettings, Settings, env, global_settings
from rustforge.exceptions import ImproperlyConfigured


def test_defaults_then_project_module():
    loaded = Settings("testproject.settings")
    assert loaded.MAX_BODY_SIZE == global_settings.MAX_BODY_SIZE
    assert "testproject.notes" in loaded.INSTALLED_APPS
    assert loaded.SECRET_KEY.startswith("test-secret-key")


def test_missing_module_is_one_clear_error():
    with pytest.raises(ImproperlyConfigured, match="'nope.settings' cannot be imported"):
        Settings("nope.settings")


def test_missing_secret_key_with_debug_off():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must not be empty"):
        Settings(None, DEBUG=False, SECRET_KEY="")
    assert Settings(None, DEBUG=True, SECRET_KEY="").DEBUG is True


@pytest.mark.parametrize("name,value,message", [
    ("INSTALLED_APPS", "blog", "INSTALLED_APPS must be a list"),
    ("ALLOWED_HOSTS", "example.com", "ALLOWED_HOSTS must be a list"),
    ("MIDDLEWARE", "a.B", "MIDDLEWARE must be a list"),
    ("MAX_BODY_SIZE", "10MB", "MAX_BODY_SIZE must be a positive integer"),
    ("MAX_FORM_FIELDS", 0, "MAX_FORM_FIELDS must be a positive integer"),
    ("MAX_JSON_DEPTH", -1, "MAX_JSON_DEPTH must be a positive integer"),
])
def test_wrong_types_name_the_setting(name, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        Settings(None, SECRET_KEY="x", **{name: value})


def test_unconfigured_lazy_settings(monkeypatch):
    monkeypatch.delenv("RUSTFORGE_SETTINGS_MODULE", raising=False)
    lazy = LazySettings()
    with pytest.raises(ImproperlyConfigured, match="settings are not configured"):
        _ = lazy.DEBUG
    assert not lazy.configured


def test_unknown_setting_is_an_attribute_error():
    lazy = LazySettings()
    lazy.configure(None, SECRET_KEY="x")
    with pytest.raises(AttributeError, match="no setting named 'NOPE'"):
        _ = lazy.NOPE


def test_settings_are_read_only_but_overridable():
    lazy = LazySettings()
    lazy.configure(None, SECRET_KEY="x", DEBUG=False)
    with pytest.raises(AttributeError, match="read-only"):
        lazy.DEBUG = True
    assert lazy.DEBUG is False
    with lazy.override(DEBUG=True, NEW_THING=1):
        assert lazy.DEBUG is True and lazy.NEW_THING == 1
    assert lazy.DEBUG is False
    with pytest.raises(AttributeError):
        _ = lazy.NEW_THING


def test_settings_fixture_restores(settings):
    settings.MAX_JSON_DEPTH = 3
    from rustforge.conf import settings as real

    assert real.MAX_JSON_DEPTH == 3


def test_settings_fixture_restored_after_the_previous_test():
    from rustforge.conf import settings as real

    assert real.MAX_JSON_DEPTH == global_settings.MAX_JSON_DEPTH


@pytest.mark.parametrize("raw,expected", [("1", True), ("TRUE", True), (" yes ", True),
                                          ("on", True), ("0", False), ("off", False),
                                          ("", False), ("No", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("RF_FLAG", raw)
    assert env.bool("RF_FLAG") is expected


@pytest.mark.parametrize("helper,raw,message", [
    (env.bool, "maybe", "RF_X: expected a boolean"),
    (env.int, "12a", "RF_X: expected an integer, got '12a'"),
])
def test_env_bad_values_name_the_variable(monkeypatch, helper, raw, message):
    monkeypatch.setenv("RF_X", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        helper("RF_X", None)


def test_env_required_and_defaults(monkeypatch):
    monkeypatch.delenv("RF_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="RF_MISSING is required but not set"):
        env.str("RF_MISSING")
    assert env.int("RF_MISSING", 3) == 3
    monkeypatch.setenv("RF_LIST", " a, b ,,c ")
    assert env.list("RF_LIST") == ["a", "b", "c"]


def test_load_dotenv(tmp_path, monkeypatch):
    monkeypatch.delenv("RF_A", raising=False)
    monkeypatch.delenv("RF_B", raising=False)
    monkeypatch.setenv("RF_C", "from-env")
    path = tmp_path / ".env"
    path.write_text("# comment\n\nRF_A=1\nexport RF_B='two words'\nRF_C=from-file\n")
    assert env.load_dotenv(path) is True
    import os

    assert os.environ["RF_A"] == "1" and os.environ["RF_B"] == "two words"
    assert os.environ["RF_C"] == "from-env"  # the real environment wins
    monkeypatch.delenv("RF_A")
    monkeypatch.delenv("RF_B")
    assert env.load_dotenv(tmp_path / "missing.env") is False


def test_load_dotenv_bad_line(tmp_path):
    path = tmp_path / ".env"
    path.write_text("GOOD=1\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:2: expected KEY=value"):
        env.load_dotenv(path)


@pytest.mark.parametrize("url,message", [
    ("db.sqlite3", "is not a URL"),
    ("", "is not a URL"),
    ("mysql://h/db", "scheme 'mysql' is not supported"),
    ("postgresql://127.0.0.1:5432/", "names no database"),
])
def test_bad_database_urls(url, message):
    from rustforge.db.backends import parse_url

    with pytest.raises(ImproperlyConfigured, match=message):
        parse_url(url)


def test_database_url_forms():
    from rustforge.db.backends import PostgresqlDatabase, SqliteDatabase, parse_url

    assert parse_url("sqlite:///rel.db")[:2] == (SqliteDatabase, "rel.db")
    assert parse_url("sqlite:////abs/x.db")[:2] == (SqliteDatabase, "/abs/x.db")
    assert parse_url("sqlite://")[:2] == (SqliteDatabase, ":memory:")
    cls, name, kwargs = parse_url(
        "postgresql://u%40x:p%2Fw@db.local:6543/app?application_name=web&sslmode=require")
    assert (cls, name) == (PostgresqlDatabase, "app")
    assert kwargs == {"host": "db.local", "port": 6543, "user": "u@x", "password": "p/w",
                      "application_name": "web", "sslmode": "require"}
