"""``manage.py tenants create/list/delete``, ``migrate --tenants`` without schemas, and checks."""

import pytest
from testproject.crm.models import Company

from rustforge.checks import run_checks
from rustforge.contrib.tenancy import Domain, Tenant, use_tenant
from rustforge.management import main

pytestmark = pytest.mark.usefixtures("db")


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog_name="manage.py")
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_create_list_delete(capsys):
    code, out, err = run(["tenants", "create", "acme", "--name", "Acme Corp",
                          "--domain", "Shop.Acme.org"], capsys)
    assert code == 0, err
    assert "Tenant 'acme' created." in out
    assert Domain.get().domain == "shop.acme.org"
    run(["tenants", "create", "bolt"], capsys)
    code, out, _ = run(["tenants", "list"], capsys)
    assert code == 0
    assert out.splitlines() == ["acme\tAcme Corp\tactive\t-\tshop.acme.org",
                                "bolt\tbolt\tactive\t-\t-"]
    with use_tenant("acme"):
        Company.create(name="Rocket")
    code, out, err = run(["tenants", "delete", "acme", "--yes"], capsys)
    assert code == 0, err
    assert [t.slug for t in Tenant.select()] == ["bolt"]
    assert not Company.all_tenants().exists()  # its rows went with it
    assert not Domain.select().exists()


@pytest.mark.parametrize("argv, message", [
    (["tenants", "create", "Bad Slug"], "not a valid tenant slug"),
    (["tenants", "create", "--", "-x"], "not a valid tenant slug"),
    (["tenants", "create", "a" * 41], "not a valid tenant slug"),
    (["tenants", "create", "acme'; DROP TABLE tenancy_tenant; --"], "not a valid tenant slug"),
    (["tenants", "create", "www"], "is reserved"),
    (["tenants", "create", "ok", "--domain", "not a domain"], "not a valid domain"),
    (["tenants", "create", "ok", "--domain", "a.org", "--domain", "A.org"], "twice"),
    (["tenants", "create", "ok", "--name", "n" * 201], "1 to 200 characters"),
    (["tenants", "delete", "nobody", "--yes"], "no tenant 'nobody'"),
])
def test_bad_input_is_a_one_line_error(capsys, argv, message):
    code, _, err = run(argv, capsys)
    assert code == 1
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_duplicates_are_refused(capsys, tenant_a):
    code, _, err = run(["tenants", "create", "alpha"], capsys)
    assert code == 1 and "already exists" in err
    code, _, err = run(["tenants", "create", "other", "--domain", "alpha.example.org"], capsys)
    assert code == 1 and "already belongs to a tenant" in err


def test_delete_asks_first(capsys, monkeypatch, tenant_a):
    monkeypatch.setattr("click.confirm", lambda *a, **k: False)
    code, _, err = run(["tenants", "delete", "alpha"], capsys)
    assert code == 1 and "not deleted" in err
    assert Tenant.select().count() == 1


def test_list_without_tenants(capsys):
    code, out, _ = run(["tenants", "list"], capsys)
    assert code == 0 and out.strip() == "No tenants."


def test_migrate_tenants_without_schemas_says_so(capsys):
    code, out, err = run(["migrate", "--tenants"], capsys)
    assert code == 0, err
    assert "TENANCY_SCHEMAS is off" in out
    code, _, err = run(["migrate", "--tenants", "crm"], capsys)
    assert code == 1 and "takes no APP" in err
    code, _, err = run(["migrate", "--parallel", "2"], capsys)
    assert code == 1 and "only applies with --tenants" in err


def test_checks(settings, test_database_url):
    def ids():
        return {m.id for m in run_checks(tags=["tenancy"])}

    assert "tenancy.W001" not in ids()
    settings.MIDDLEWARE = ["rustforge.http.middleware.SecurityMiddleware"]
    assert "tenancy.W001" in ids()
    settings.TENANCY_SCHEMAS = True
    assert "tenancy.E003" in ids()
    assert ("tenancy.E002" in ids()) == test_database_url.startswith("sqlite")
    settings.TENANCY_SCHEMA_APPS = ["nope"]
    settings.TENANCY_MIGRATE_PARALLEL = 0
    assert {"tenancy.E001", "tenancy.E004"} <= ids()


def test_any_command_runs_in_a_tenant(capsys, company_export, tenant_a, tenant_b):
    # The export app knows nothing of tenants; --tenant comes from this app.
    code, out, err = run(["--tenant", tenant_a.slug, "export", "companies", "-o", "-"], capsys)
    assert code == 0, err
    assert out.split() == ["Name", "Acme"]
    code, out, err = run(["--tenant=" + tenant_b.slug, "export", "companies", "-o", "-"], capsys)
    assert code == 0, err
    assert out.split() == ["Name", "Bolt"]
    from rustforge.contrib.tenancy import current_tenant

    assert current_tenant() is None  # left after the command


def test_without_a_tenant_a_scoped_command_says_so(capsys, company_export):
    code, _, err = run(["export", "companies", "-o", "-"], capsys)
    assert code == 1 and "no tenant is active" in err
    assert len(err.strip().splitlines()) == 1


def test_the_option_is_listed_in_help(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "--tenant SLUG" in out


@pytest.mark.parametrize("slug, message", [
    ("nobody", "no active tenant 'nobody'"),
    ("Alpha", "no active tenant 'Alpha'"),
    ("alpha'; DROP TABLE tenancy_tenant; --", "no active tenant"),
    ("a" * 5000, "no active tenant"),
    ("", "no active tenant ''"),
    ("-", "no active tenant '-'"),
    ("\x00", "no active tenant"),
])
def test_unknown_tenants_are_a_one_line_error(capsys, company_export, slug, message):
    code, out, err = run(["--tenant", slug, "export", "companies", "-o", "-"], capsys)
    assert code == 1, out
    assert message in err and out == ""
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert len(err) < 300
    assert Tenant.select().count() == 2


def test_an_inactive_tenant_is_refused(capsys, company_export, tenant_a):
    Tenant.update(is_active=False).where(Tenant.id == tenant_a.id).execute()
    code, out, err = run(["--tenant", tenant_a.slug, "export", "companies", "-o", "-"], capsys)
    assert code == 1 and out == ""
    assert err.strip() == f"manage.py: error: no active tenant {tenant_a.slug!r}"


def test_a_missing_value_is_a_usage_error(capsys):
    code, _, err = run(["--tenant"], capsys)
    assert code == 2 and "--tenant" in err


@pytest.mark.parametrize("command", ["migrate", "tenants", "rqworker", "jobs"])
def test_commands_that_must_not_run_in_one_tenant_refuse(capsys, tenant_a, command):
    code, _, err = run(["--tenant", tenant_a.slug, command], capsys)
    assert code == 1
    assert f"--tenant does not apply to {command}" in err
