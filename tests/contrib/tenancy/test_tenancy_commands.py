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
