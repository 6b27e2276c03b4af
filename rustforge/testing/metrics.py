"""Read the metrics of this process in tests.

    def test_orders_are_counted(client, metrics_snapshot):
        before = metrics_snapshot()
        client.post("/orders", json={...})
        after = metrics_snapshot()
        assert after.delta(before, "shop_orders_total", country="NL") == 1

Values come from the same exposition ``/metrics`` serves (summed over
workers in multiprocess mode), parsed with prometheus_client's parser.
"""

from __future__ import annotations

import pytest


class MetricSnapshot:
    def __init__(self, text: str) -> None:
        from prometheus_client.parser import text_string_to_metric_families

        self.text = text
        self.samples: dict[tuple, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                self.samples[key] = sample.value

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 when it was never reported."""
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def delta(self, before: MetricSnapshot, name: str, **labels: str) -> float:
        return self.value(name, **labels) - before.value(name, **labels)

    def names(self) -> set[str]:
        return {name for name, _ in self.samples}


def snapshot_metrics(text: str | None = None) -> MetricSnapshot:
    """Parse ``text`` (a scrape), or this process's metrics when None."""
    if text is None:
        from rustforge.metrics import exposition

        text = exposition()[0].decode()
    return MetricSnapshot(text)


@pytest.fixture
def metrics_snapshot():
    """``metrics_snapshot()`` -> a :class:`MetricSnapshot` of this process now."""
    return snapshot_metrics
