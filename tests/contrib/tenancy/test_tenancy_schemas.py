"""Schema per tenant on PostgreSQL: the crm tables live in one schema per
tenant, and ``migrate --tenants`` migrates every schema, several at a time."""

import pytest
from testproject.crm.models import Company

from rustforge.contrib.tenancy import Tenant, use_tenant
from rustforge.db import get_database
from rustforge.management import main
from rustforge.testing.database import drop_schemas, extra_schemas

pytestmark = [pytest.mark.postgres_only, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def schema_settings(settings):
    settings.TENANCY_SCHEMAS = True
    settings.TENANCY_SCHEMA_APPS = ["crm"]
    yield settings
    drop_schemas(get_database())  # the tenants' schemas outlive the flushed rows


def count(schema, table="crm_company"):
    sql = f'SELECT count(*) FROM "{schema}"."{table}"'  # noqa: S608 - the test's own names
    return get_database().execute_sql(sql).fetchone()[0]


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_each_tenant_has_its_schema_and_its_rows_live_there(tenant_a, tenant_b, client_for):
    assert tenant_a.schema_name == "tenant_alpha"
    assert {"tenant_alpha", "tenant_beta"} <= set(extra_schemas(get_database()))
    with use_tenant(tenant_a):
        Company.create(name="Acme")
    with use_tenant(tenant_b):
        Company.create(name="Bolt")
        Company.create(name="Bolt 2")
    assert (count("tenant_alpha"), count("tenant_beta"), count("public")) == (1, 2, 0)
    # Through HTTP: the middleware points the connection at the tenant's schema...
    body = client_for("beta.tenants.test").get("/crm/companies").json
    assert sorted(r["name"] for r in body["data"]) == ["Bolt", "Bolt 2"]
    created = client_for("alpha.tenants.test").post("/crm/companies", json={"name": "New"})
    assert created.status_code == 201, created.text
    assert (count("tenant_alpha"), count("tenant_beta")) == (2, 2)
    # ...and back afterwards.
    path = get_database().execute_sql("SHOW search_path").fetchone()[0]
    assert "tenant_" not in path


def test_migrate_tenants_migrates_every_schema_in_parallel(capsys):
    # Tenants whose schemas do not exist yet (created by hand, or before an upgrade).
    for slug in ("t1", "t2", "t3", "t4", "t5"):
        Tenant.create(slug=slug, name=slug, schema_name=f"tenant_{slug}")
    code, out, err = run(["migrate", "--tenants", "--parallel", "3"], capsys)
    assert code == 0, out + err
    assert "Migrating 5 tenant schema(s), 3 at a time:" in out
    progress = [line for line in out.splitlines() if line.startswith("  [")]
    assert sorted(line.split("]")[0] for line in progress) == [f"  [{i}/5" for i in range(1, 6)]
    assert all("applied crm.001_initial" in line for line in progress)
    assert "Tenant schemas: 5 migrated, 0 up to date, 0 failed." in out
    for slug in ("t1", "t5"):
        assert count(f"tenant_{slug}") == 0  # the table exists (and is empty)
        sql = f'SELECT app, name FROM "tenant_{slug}".rustforge_migrations'  # noqa: S608
        history = get_database().execute_sql(sql).fetchall()
        assert history == [("crm", "001_initial")]  # the schema's own history: crm only
    code, out, _ = run(["migrate", "--tenants"], capsys)
    assert code == 0
    assert "Tenant schemas: 0 migrated, 5 up to date, 0 failed." in out


def test_one_failing_schema_does_not_stop_the_others(capsys):
    db = get_database()
    for slug in ("good", "bad"):
        Tenant.create(slug=slug, name=slug, schema_name=f"tenant_{slug}")
    db.execute_sql('CREATE SCHEMA "tenant_bad"')
    db.execute_sql('CREATE TABLE "tenant_bad"."crm_company" (nonsense integer)')
    code, out, err = run(["migrate", "--tenants"], capsys)
    assert code == 1
    assert "tenant_bad: FAILED: applying crm.001_initial failed" in err
    assert "Tenant schemas: 1 migrated, 0 up to date, 1 failed." in out
    assert "migrating 1 tenant schema(s) failed" in err
    assert count("tenant_good") == 0


def test_deleting_a_tenant_drops_its_schema(tenant_a, capsys):
    code, _, err = run(["tenants", "delete", "alpha", "--yes"], capsys)
    assert code == 0, err
    assert "tenant_alpha" not in extra_schemas(get_database())


def test_the_admin_history_can_live_in_each_tenants_schema(settings, make_tenant):
    from rustforge.contrib.admin.models import LogEntry

    settings.TENANCY_SCHEMA_APPS = ["crm", "admin"]
    alpha, beta = make_tenant("alpha"), make_tenant("beta")
    for tenant, text in ((alpha, "alpha's company 1"), (beta, "beta's company 1")):
        with use_tenant(tenant):
            LogEntry.create(app_label="crm", model_name="company", object_id="1",
                            object_repr=text, action_flag=1)
    with use_tenant(alpha):
        assert [e.object_repr for e in LogEntry.select()] == ["alpha's company 1"]
    assert count("tenant_beta", "admin_log_entry") == 1
    assert count("public", "admin_log_entry") == 0


def test_a_connection_whose_path_cannot_be_reset_is_dropped(tenant_a, client_for, monkeypatch):
    import peewee

    from rustforge.contrib.tenancy import schemas

    real = schemas.set_search_path

    def failing_reset(db, schema):
        if schema is None:
            raise peewee.OperationalError("server closed the connection unexpectedly")
        real(db, schema)

    monkeypatch.setattr(schemas, "set_search_path", failing_reset)
    db = get_database()
    response = client_for("alpha.tenants.test").get("/crm/companies")
    assert response.status_code == 200, response.text
    assert db._state.conn is None  # dropped: the next request connects afresh
    monkeypatch.undo()
    path = db.execute_sql("SHOW search_path").fetchone()[0]
    assert "tenant_" not in path


def test_a_command_in_a_tenant_reads_its_schema(company_export, tenant_a, tenant_b, capsys):
    assert (count("tenant_alpha"), count("tenant_beta")) == (1, 1)
    code, out, err = run(["--tenant", tenant_b.slug, "export", "companies", "-o", "-"], capsys)
    assert code == 0, err
    assert out.split() == ["Name", "Bolt"]
    path = get_database().execute_sql("SHOW search_path").fetchone()[0]
    assert "tenant_" not in path  # pointed back when the command ended
