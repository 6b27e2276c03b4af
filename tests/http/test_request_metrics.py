"""Request, query, cache and job metrics in one process (prometheus_client's registry)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from rustforge import metrics


def scrape(client) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} from /metrics."""
    response = client.get("/metrics")
    assert response.status_code == 200
    values = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_not_path(client):
    before = scrape(client)
    for item in (1, 2, 3, 500):
        client.get(f"/items/{item}")
    client.get("/no/such/page/12345")
    after = scrape(client)
    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)
    assert delta("rustforge_http_requests_total", method="GET", route="/items/{id:int}",
                 status="200") == 3
    assert delta("rustforge_http_requests_total", method="GET", route="/items/{id:int}",
                 status="404") == 1
    assert delta("rustforge_http_requests_total", method="GET", route="<unmatched>",
                 status="404") == 1
    assert delta("rustforge_http_request_duration_seconds_count", method="GET",
                 route="/items/{id:int}") == 4
    assert not any("12345" in str(key) or "/items/1" in str(key) for key in after)


def test_errors_and_odd_methods_do_not_create_series(client):
    before = scrape(client)
    client.get("/boom")
    client.request("BREW", "/echo")
    after = scrape(client)
    assert value(after, "rustforge_http_requests_total", method="GET", route="/boom",
                 status="500") - value(before, "rustforge_http_requests_total", method="GET",
                                       route="/boom", status="500") == 1
    assert not any(("method", "BREW") in key[1] for key in after)


def test_probes_are_not_counted(client):
    before = scrape(client)
    client.get("/healthz")
    after = scrape(client)
    assert not any("healthz" in str(key) for key in after)
    assert sum(v for k, v in after.items() if k[0] == "rustforge_http_requests_total") == \
        sum(v for k, v in before.items() if k[0] == "rustforge_http_requests_total")


def test_queries_cache_and_jobs(client, db, locmem_cache):
    from rustforge.db import get_database
    from rustforge.queue import job

    before = scrape(client)
    for _ in range(3):
        get_database().execute_sql("SELECT 1")
    locmem_cache.set("k", 1)
    locmem_cache.get("k")
    locmem_cache.get("absent")
    locmem_cache.get("absent")
    job(_succeeds).enqueue()
    job(_fails).enqueue()
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("rustforge_db_queries_total") >= 3
    assert delta("rustforge_db_query_seconds_total") > 0
    assert delta("rustforge_cache_gets_total", result="hit") == 1
    assert delta("rustforge_cache_gets_total", result="miss") == 2
    assert delta("rustforge_jobs_total", queue="default", event="enqueued") == 2
    assert delta("rustforge_jobs_total", queue="default", event="succeeded") == 1
    assert delta("rustforge_jobs_total", queue="default", event="failed") == 1


def _succeeds():
    return 1


def _fails():
    raise ValueError("nope")


def test_app_metrics_and_the_oauth_counter(client):
    orders = metrics.counter("shop_orders_total", "Orders.", ["country"])
    assert metrics.counter("shop_orders", "Orders.", ["country"]) is orders
    orders.labels(country="NL").inc(2)
    from rustforge.events.signals import oauth_token_issued

    oauth_token_issued.send(None, application=None, user=None, scopes=[],
                            grant_type="authorization_code")  # what the OAuth server sends
    after = scrape(client)
    assert value(after, "shop_orders_total", country="NL") >= 2
    assert value(after, "rustforge_oauth_tokens_issued_total",
                 grant_type="authorization_code") >= 1
    with pytest.raises(ValueError, match="already declared"):
        metrics.histogram("shop_orders", "Orders.")


def test_disabled_metrics_count_nothing(client, db, settings):
    from rustforge.db import get_database
    from rustforge.http import get_wsgi_application
    from rustforge.testing.client import Client

    before = scrape(client)
    settings.METRICS_ENABLED = False
    switched_off = Client(get_wsgi_application())
    assert switched_off.get("/items/1").status_code == 200
    get_database().execute_sql("SELECT 1")
    settings.METRICS_ENABLED = True
    after = scrape(client)
    assert value(after, "rustforge_db_queries_total") == value(before, "rustforge_db_queries_total")
    assert value(after, "rustforge_http_requests_total", method="GET", route="/items/{id:int}",
                 status="200") == value(before, "rustforge_http_requests_total", method="GET",
                                        route="/items/{id:int}", status="200")


def test_multiprocess_dir_is_prepared(tmp_path, monkeypatch):
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    (folder / "keep.txt").write_text("x")
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(folder))
    assert metrics.prepare_multiprocess_dir() == folder
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    new = tmp_path / "missing" / "dir"
    assert metrics.prepare_multiprocess_dir(str(new)) == new and new.is_dir()


def test_multiprocess_files_are_removed_on_exit(tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"x")
    metrics.remove_multiprocess_files(str(folder))
    assert not folder.exists()
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "counter_2.db").write_bytes(b"x")
    (shared / "other.txt").write_text("kept")
    metrics.remove_multiprocess_files(str(shared))
    assert [p.name for p in shared.iterdir()] == ["other.txt"]


def test_framework_series_record_what_prometheus_client_would(monkeypatch):
    """The framework's own request and query series are counted in per-thread
    cells, not by prometheus_client; what they record is exactly what its
    public API records."""
    from prometheus_client import CollectorRegistry, Counter, Histogram

    metrics.reset()
    durations = [0.0001, 0.005, 0.0051, 0.3, 2.5, 7.0, 42.0]
    for seconds in durations:
        metrics.observe_request("GET", "/x", 200, seconds)
    monkeypatch.setattr(metrics, "perf_counter", lambda: 100.0)
    for seconds in durations:
        metrics.count_query(100.0 - seconds)
    reference = CollectorRegistry()
    hist = Histogram("h", "h", ["method", "route"], buckets=metrics.REQUEST_BUCKETS,
                     registry=reference).labels("GET", "/x")
    count = Counter("c", "c", registry=reference)
    for seconds in durations:
        hist.observe(seconds)
        count.inc(seconds)

    def samples(registry, name):
        return {(s.name.replace(name, ""), s.labels.get("le")): s.value
                for family in registry.collect() for s in family.samples
                if s.name.startswith(name) and not s.name.endswith("_created")}

    ours = samples(metrics.registry(), "rustforge_http_request_duration_seconds")
    assert ours == samples(reference, "h")
    assert ours[("_count", None)] == len(durations)
    queries = samples(metrics.registry(), "rustforge_db_query")
    assert queries[("_seconds_total", None)] == pytest.approx(sum(durations))
    assert samples(metrics.registry(), "rustforge_db_queries_total") == {("", None): 7.0}
    requests = samples(metrics.registry(), "rustforge_http_requests_total")
    assert requests == {("", None): 7.0}
    metrics.reset()


def test_a_status_counts_by_its_code_whatever_its_form():
    from http import HTTPStatus

    metrics.reset()
    for status in (404, HTTPStatus.NOT_FOUND, "404 Not Found", b"404 Not Found", "404 Nope"):
        metrics.observe_request("GET", "/x", status, 0.01)
    counted = {tuple(sorted(s.labels.items())): s.value
               for family in metrics.registry().collect() for s in family.samples
               if s.name == "rustforge_http_requests_total"}
    assert counted == {(("method", "GET"), ("route", "/x"), ("status", "404")): 5.0}
    metrics.reset()
