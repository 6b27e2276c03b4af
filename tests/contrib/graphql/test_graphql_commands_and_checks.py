"""``manage.py graphql_schema`` and the app's system checks."""

import pytest
from graphql import build_schema

from rustforge.checks import run_checks
from rustforge.management import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_graphql_schema_prints_the_merged_sdl(capsys, tmp_path):
    code, out, err = run(["graphql_schema"], capsys)
    assert code == 0, err
    schema = build_schema(out)  # the output is valid SDL
    # Merged from testproject.gqlblog's and the auth app's graphql.py.
    assert {"Post", "Author", "Comment", "User"} <= set(schema.type_map)
    assert "createPost" in schema.mutation_type.fields
    assert "password" not in schema.type_map["User"].fields
    target = tmp_path / "schema.graphql"
    code, out, _ = run(["graphql_schema", "-o", str(target)], capsys)
    assert code == 0 and build_schema(target.read_text())


def ids(messages):
    return {m.id for m in messages if m.id and m.id.startswith("graphql.")}


def test_introspection_in_production_is_a_deploy_warning(settings):
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = True
    assert "graphql.W001" in ids(run_checks(include_deploy=True))
    assert "graphql.W001" not in ids(run_checks())
    settings.GRAPHQL_INTROSPECTION = None
    assert "graphql.W001" not in ids(run_checks(include_deploy=True))


@pytest.mark.parametrize("name, value, expected", [
    ("GRAPHQL_MAX_DEPTH", 0, "graphql.E001"),
    ("GRAPHQL_MAX_COST", "many", "graphql.E001"),
    ("GRAPHQL_MAX_ALIASES", -1, "graphql.E001"),
    ("GRAPHQL_PAGE_SIZE", 500, "graphql.E002"),
    ("GRAPHQL_MAX_COST", 10, "graphql.W002"),
])
def test_limit_settings_are_checked(settings, name, value, expected):
    assert not ids(run_checks()) - {"graphql.W001"}
    setattr(settings, name, value)
    assert expected in ids(run_checks())


def test_sessions_without_csrf_are_a_warning(settings):
    assert "graphql.W003" not in ids(run_checks())
    settings.MIDDLEWARE = ["rustforge.contrib.auth.middleware.SessionMiddleware",
                           "rustforge.contrib.auth.middleware.AuthenticationMiddleware"]
    assert "graphql.W003" in ids(run_checks())


def test_a_broken_contribution_is_a_check_error(monkeypatch):
    from testproject.gqlblog.models import Post

    from rustforge.contrib.graphql import ModelType, schema

    class BrokenType(ModelType):
        model = Post
        fields = ["title", "no_such_column"]

    monkeypatch.setattr(schema, "types", [*schema.types, BrokenType])
    schema.reset()
    try:
        errors = [m for m in run_checks() if m.id == "graphql.E003"]
        assert errors and "no_such_column" in errors[0].msg
    finally:
        monkeypatch.undo()
        schema.reset()
