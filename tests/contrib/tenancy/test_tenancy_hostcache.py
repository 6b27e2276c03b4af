"""Which tenant a host names is cached: queries saved, unknown hosts too, and every
change to a tenant or a domain seen at once, on every real cache backend."""

import pytest
from testproject.crm.models import Company

from rustforge.cache import create_cache
from rustforge.contrib.tenancy import Domain, Tenant, use_tenant
from rustforge.contrib.tenancy.hostcache import forget
from rustforge.contrib.tenancy.lifecycle import create_tenant, delete_tenant
from rustforge.db import get_database
from rustforge.services import services

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(params=["locmem", "memcached", "redis"])
def cache_url(request):
    """The project's cache, empty: in-process, or shared with other processes."""
    if request.param == "locmem":
        with services.override("cache", create_cache("locmem://")):
            yield None
        return
    if request.param == "memcached":
        url = request.getfixturevalue("memcached").url
    else:
        url = request.getfixturevalue("redis_cache").url
    with services.override("cache", create_cache(url, prefix="site")):
        yield url


@pytest.fixture
def rows(tenant_a, tenant_b):
    with use_tenant(tenant_a):
        Company.create(name="Acme")
    with use_tenant(tenant_b):
        Company.create(name="Bolt")


def visit(client_for, count_queries, host, headers=None):
    """(status, company names or None, statements on the tenancy tables)."""
    with count_queries() as queries:
        response = client_for(host).get("/crm/companies", headers=headers or {})
    names = [r["name"] for r in response.json["data"]] if response.status_code == 200 else None
    return response.status_code, names, [q for q in queries if "tenancy_" in q]


def test_a_host_is_resolved_once(cache_url, rows, client_for, count_queries):
    for host in ("alpha.tenants.test", "beta.example.org"):
        status, names, queries = visit(client_for, count_queries, host)
        assert status == 200 and len(queries) in (1, 2)
        for _ in range(2):
            again = visit(client_for, count_queries, host)
            assert again == (200, names, [])
    status, names, queries = visit(client_for, count_queries, "testserver", {"X-Tenant": "beta"})
    assert (status, names) == (200, ["Bolt"]) and len(queries) == 1
    assert visit(client_for, count_queries, "testserver", {"X-Tenant": "beta"}) == (
        200, ["Bolt"], [])


def test_unknown_hosts_are_kept_too(cache_url, rows, client_for, count_queries):
    status, _, queries = visit(client_for, count_queries, "nobody.tenants.test")
    assert status == 404 and queries
    assert visit(client_for, count_queries, "nobody.tenants.test") == (404, None, [])
    response = client_for("nobody.tenants.test").get("/crm/companies")
    assert response.json["description"] == "No tenant 'nobody' (host 'nobody.tenants.test')."
    # A host naming no tenant at all: the answer "none" is kept as well.
    visit(client_for, count_queries, "testserver")
    assert visit(client_for, count_queries, "testserver")[2] == []


def test_deactivating_or_deleting_a_tenant_is_seen_at_once(cache_url, rows, tenant_a, client_for,
                                                           count_queries):
    assert visit(client_for, count_queries, "alpha.tenants.test")[:2] == (200, ["Acme"])
    assert visit(client_for, count_queries, "alpha.example.org")[:2] == (200, ["Acme"])
    tenant_a.is_active = False
    tenant_a.save()
    assert visit(client_for, count_queries, "alpha.tenants.test")[0] == 404
    assert visit(client_for, count_queries, "alpha.example.org")[0] == 404
    assert client_for("testserver").get("/crm/companies",
                                        headers={"X-Tenant": "alpha"}).status_code == 404
    Tenant.update(is_active=True).where(Tenant.id == tenant_a.id).execute()  # bulk update
    assert visit(client_for, count_queries, "alpha.tenants.test")[:2] == (200, ["Acme"])
    delete_tenant(tenant_a)
    assert visit(client_for, count_queries, "alpha.tenants.test")[0] == 404
    assert visit(client_for, count_queries, "alpha.example.org")[:2] == (404, None)


def test_domain_changes_are_seen_at_once(cache_url, rows, tenant_a, tenant_b, client_for,
                                         count_queries):
    # A host no Domain names yet: no tenant (its answer is kept).
    assert visit(client_for, count_queries, "shop.example.org")[0] == 404
    domain = Domain.create(domain="shop.example.org", tenant=tenant_a)
    assert visit(client_for, count_queries, "shop.example.org")[:2] == (200, ["Acme"])
    domain.tenant = tenant_b
    domain.save()
    assert visit(client_for, count_queries, "shop.example.org")[:2] == (200, ["Bolt"])
    domain.delete_instance()
    assert visit(client_for, count_queries, "shop.example.org")[0] == 404
    Domain.insert_many([{"domain": "shop.example.org", "tenant": tenant_a.id}]).execute()
    assert visit(client_for, count_queries, "shop.example.org")[:2] == (200, ["Acme"])
    Domain.delete().where(Domain.domain == "shop.example.org").execute()
    assert visit(client_for, count_queries, "shop.example.org")[0] == 404


def test_a_new_tenant_replaces_a_kept_unknown(cache_url, rows, client_for, count_queries):
    assert visit(client_for, count_queries, "gamma.tenants.test")[0] == 404
    gamma = create_tenant("gamma")
    with use_tenant(gamma):
        Company.create(name="Gem")
    assert visit(client_for, count_queries, "gamma.tenants.test")[:2] == (200, ["Gem"])


def test_a_change_made_inside_a_tenant_reaches_the_sites_entries(cache_url, rows, tenant_a,
                                                                 tenant_b, client_for,
                                                                 count_queries):
    visit(client_for, count_queries, "alpha.tenants.test")
    with use_tenant(tenant_b):  # e.g. beta's staff in the admin: keys stay the site's
        tenant_a.is_active = False
        tenant_a.save()
    assert visit(client_for, count_queries, "alpha.tenants.test")[0] == 404


def test_a_change_on_another_host_is_seen_through_a_shared_cache(cache_url, rows, tenant_a,
                                                                 client_for, count_queries):
    if cache_url is None:
        pytest.skip("a process-local cache is shared with no other host")
    assert visit(client_for, count_queries, "alpha.tenants.test")[:2] == (200, ["Acme"])
    # Another machine deactivates alpha: its own connection to the cache, its own signal.
    get_database().execute_sql("UPDATE tenancy_tenant SET is_active = %s WHERE id = %s"
                               .replace("%s", get_database().param), (False, tenant_a.id))
    assert visit(client_for, count_queries, "alpha.tenants.test")[0] == 200  # not told yet
    with services.override("cache", create_cache(cache_url, prefix="site")):
        forget()  # what its post_save receiver does
    assert visit(client_for, count_queries, "alpha.tenants.test")[0] == 404


def test_timeout_zero_turns_the_cache_off(settings, cache_url, rows, client_for, count_queries):
    settings.TENANCY_CACHE_TIMEOUT = 0
    for _ in range(2):
        status, _, queries = visit(client_for, count_queries, "alpha.tenants.test")
        assert status == 200 and queries


@pytest.mark.parametrize("host", [
    "ALPHA.Tenants.Test",                 # host names are case-insensitive
    "alpha.tenants.test:8443",
    "evil.alpha.tenants.test",            # not a slug: unknown
    "alpha.tenants.test.",
    "a" * 63 + ".tenants.test",
    ("a" * 63 + ".") * 3 + "tenants.test",
    "al%20pha.tenants.test",
    "alpha.tenants.test@evil.org",
    "xn--lpha-5qa.tenants.test",
    "[::1]",
    "beta.tenants.test\u0000",
    "h:alpha.tenants.test",                # what a hashed cache key starts with
])
def test_hostile_hosts_neither_fail_nor_poison_the_cache(cache_url, rows, client_for,
                                                         count_queries, host):
    status = client_for(host).get("/crm/companies").status_code
    assert status in (200, 400, 404)
    client_for(host).get("/crm/companies", headers={"X-Tenant": "beta"})
    # The real hosts still lead to their own tenants, from the cache as from the database.
    for _ in range(2):
        assert visit(client_for, count_queries, "alpha.tenants.test")[:2] == (200, ["Acme"])
        assert visit(client_for, count_queries, "beta.tenants.test")[:2] == (200, ["Bolt"])


def test_a_header_never_changes_what_a_host_names(cache_url, rows, client_for, count_queries):
    assert visit(client_for, count_queries, "alpha.tenants.test",
                 {"X-Tenant": "beta"})[:2] == (200, ["Bolt"])
    assert visit(client_for, count_queries, "alpha.tenants.test")[:2] == (200, ["Acme"])
    status, _, queries = visit(client_for, count_queries, "testserver",
                               {"X-Tenant": "' OR 1=1 --"})
    assert status == 404 and queries == []  # not a slug: no query, nothing kept
