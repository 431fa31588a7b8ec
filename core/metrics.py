"""The gauges /metrics reports (operations/views.py), registered by whichever app owns the numbers:
an app adds its own in its AppConfig.ready() without the metrics page importing it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Gauge:
    name: str  # Prometheus metric name, cases12315_ prefixed
    help: str
    read: Callable[[], float | None]  # None: no value yet (left out of the page)


_gauges: dict[str, Gauge] = {}


def gauge_add(name: str, help: str, read: Callable[[], float | None]) -> None:
    _gauges[name] = Gauge(name=name, help=help, read=read)


def gauges() -> list[Gauge]:
    return sorted(_gauges.values(), key=lambda gauge: gauge.name)
