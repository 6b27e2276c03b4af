"""Schema-driven fuzzing: schemathesis generates requests from
``/api/openapi.json`` (bounded number of examples per operation) and checks
that none gets a 5xx or a response that breaks the published schema."""

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks

CHECKS = [checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_responses_match_schema(app, db, mode, request):
    from testproject.shop.models import Author, Book

    from rustforge.contrib.tenancy.lifecycle import create_tenant

    # The project's tenant-scoped resources (crm) are fuzzed inside a tenant.
    rf_settings = request.getfixturevalue("settings")
    rf_settings.MIDDLEWARE = [*rf_settings.MIDDLEWARE,
                              "rustforge.contrib.tenancy.middleware.TenantMiddleware"]
    rf_settings.TENANCY_HEADER = "X-Tenant"
    create_tenant("fuzz")
    author = Author.create(name="Seed", email="seed@example.com")
    Book.create(title="Seed", isbn="9780000000001", price="1.00", author=author)
    seen = []
    for operation in _operations(app):
        seen.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers={"Host": "testserver", "X-Tenant": "fuzz"})
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (e.g. DELETE with a
            # free-form key): there is no negative case to send.
            assert mode is GenerationMode.NEGATIVE
            seen.pop()
    assert "POST /shop/books" in seen and "PATCH /shop/books/{pk}" in seen
    assert "POST /crm/companies" in seen
