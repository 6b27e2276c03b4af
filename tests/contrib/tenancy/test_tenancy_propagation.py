"""Cache keys, mail and log records carry the tenant."""

import logging

import pytest

from rustforge.contrib.tenancy import use_tenant
from rustforge.contrib.tenancy.logfilter import TenantLogFilter

pytestmark = pytest.mark.usefixtures("db")


def test_cache_entries_are_per_tenant_on_a_real_memcached(memcached, tenant_a, tenant_b):
    from rustforge.cache import create_cache

    cache = create_cache(memcached.url, prefix="site")
    try:
        with use_tenant(tenant_a):
            cache.set("stats", "alpha's")
            key_a = cache.make_key("stats")
        with use_tenant(tenant_b):
            assert cache.get("stats") is None
            cache.set("stats", "beta's")
            assert cache.get("stats") == "beta's"
            # A key a client controls cannot reach another tenant's entry.
            assert cache.get(f"@t{tenant_a.id}:1:stats") is None
        with use_tenant(tenant_a):
            assert cache.get("stats") == "alpha's"
        assert cache.get("stats") is None  # no tenant: the shared space
        cache.set("stats", "shared")
        with use_tenant(tenant_a):
            assert cache.get("stats") == "alpha's"
        assert key_a == f"site@t{tenant_a.id}:1:stats"
    finally:
        cache.close()


def test_the_locmem_cache_service_too(locmem_cache, tenant_a, tenant_b):
    from rustforge.cache import cache

    with use_tenant(tenant_a):
        cache.set("n", 1)
        cache.incr("n")
    with use_tenant(tenant_b):
        assert cache.get("n") is None
        assert cache.get_or_set("n", lambda: 40) == 40
    with use_tenant(tenant_a):
        assert cache.get("n") == 2


def test_mail_carries_the_tenant(mailoutbox, tenant_a):
    from rustforge.mail import EmailMessage, send_mail

    with use_tenant(tenant_a):
        send_mail("Invoice", "Yours.", None, ["ann@acme.test"])
        EmailMessage("Custom", "x", None, ["b@x.test"], headers={"x-tenant": "kept"}).send()
    send_mail("Hello", "No tenant.", None, ["c@x.test"])
    first, second, third = mailoutbox
    assert first.message()["X-Tenant"] == "alpha"
    assert second.message()["X-Tenant"] == "kept"  # a header set by the caller stays
    assert third.message()["X-Tenant"] is None


def test_queued_mail_carries_the_tenant(settings, jobs, mailoutbox, tenant_b):
    from rustforge.mail import send_mail

    with use_tenant(tenant_b):
        send_mail("Queued", "Later.", None, ["d@x.test"], queue=True)
    jobs.run_all()
    assert mailoutbox[0].message()["X-Tenant"] == "beta"


def test_log_records_carry_the_tenant(tenant_a):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(TenantLogFilter())
    handler.setFormatter(logging.Formatter("[%(tenant)s] %(message)s"))
    logger = logging.getLogger("tenancy.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with use_tenant(tenant_a):
            logger.info("inside")
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    assert records == ["[alpha] inside", "[-] outside"]
