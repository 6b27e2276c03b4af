"""Tenancy fixtures: two tenants, and a way to act as one.

    def test_isolation(tenant_a, tenant_b, use_tenant):
        with use_tenant(tenant_a):
            Project.create(name="Rocket")
        with use_tenant(tenant_b):
            assert Project.select().count() == 0

``tenant_a`` (slug ``alpha``, domain ``alpha.example.org``) and ``tenant_b``
(``beta``, ``beta.example.org``) use the test's ``transactional_db`` when it
has one (a worker or a server thread sees them), ``db`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_tenant_resolution() -> Any:
    """Rolled-back tenants leave no cached resolution to the next test."""
    yield
    from rustforge.contrib.tenancy.hostcache import reset

    reset()


@pytest.fixture
def make_tenant(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``make_tenant("acme", domains=[...])`` -> a saved tenant (schema too when on)."""
    from rustforge.contrib.tenancy.lifecycle import create_tenant

    committed = {"transactional_db", "live_server"} & set(request.fixturenames)
    request.getfixturevalue("transactional_db" if committed else "db")

    def make(slug: str, *, name: str = "", domains: Any = ()) -> Any:
        return create_tenant(slug, name=name, domains=domains)

    return make


@pytest.fixture
def tenant_a(make_tenant) -> Any:
    return make_tenant("alpha", name="Alpha", domains=["alpha.example.org"])


@pytest.fixture
def tenant_b(make_tenant) -> Any:
    return make_tenant("beta", name="Beta", domains=["beta.example.org"])


@pytest.fixture
def use_tenant() -> Callable[..., Any]:
    """``with use_tenant(tenant):`` -- the tenancy context manager, as a fixture."""
    from rustforge.contrib.tenancy.context import use_tenant as use

    return use
