"""Reads a release's failure signature from Prometheus' HTTP API (a thin adapter over ``compare``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, NamedTuple

from .. import conventions as names
from .compare import Component, RateSums, Signature


class Source(NamedTuple):
    """A family of HT counters that contributes components to a signature, one per value of ``label``."""

    kind: str
    weight: str
    variance: str
    label: str


# Step-error categories join here once their HT counters carry the release label.
SOURCES = (
    Source("archetype", names.FAILURE_WEIGHT, names.FAILURE_WEIGHT_VARIANCE, "archetype"),
)


class PrometheusError(RuntimeError):
    """Prometheus could not be reached or refused a query; the message says which and why."""


class ReleaseNotFound(LookupError):
    pass


def read_signature(url: str, release: str, window: str, timeout_s: float = 10.0) -> Signature:
    """Sums over the last ``window`` of every source's counters and the release's closed sessions."""
    matcher = f"release={json.dumps(release)}"
    sessions = sum(_query(url, f"sum(increase({names.SESSIONS_CLOSED}{{{matcher}}}[{window}]))", timeout_s).values())
    if sessions <= 0:
        raise ReleaseNotFound(f"release {release!r} closed no sessions in the last {window} (see the release label)")
    sums: dict[Component, RateSums] = {}
    for source in SOURCES:
        by = f"sum by ({source.label})"
        weights = _query(url, f"{by} (increase({source.weight}{{{matcher}}}[{window}]))", timeout_s, source.label)
        variances = _query(url, f"{by} (increase({source.variance}{{{matcher}}}[{window}]))", timeout_s, source.label)
        for name, weight in weights.items():
            sums[Component(source.kind, name)] = RateSums(weight, variances.get(name, 0.0))
    return Signature(release=release, sessions=sessions, sums=sums)


def _query(url: str, expr: str, timeout_s: float, label: str | None = None) -> dict[str, float]:
    """An instant query's samples by the value of ``label`` (all under "" without one)."""
    address = f"{url.rstrip('/')}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    try:
        with urllib.request.urlopen(address, timeout=timeout_s) as response:  # noqa: S310 (an operator's URL)
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        body = _json_or_none(exc.read())
        if body is None:
            raise PrometheusError(f"{url} answered {exc.code} to {expr}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PrometheusError(f"cannot reach Prometheus at {url}: {exc}") from exc
    if body.get("status") != "success":
        raise PrometheusError(f"Prometheus refused {expr}: {body.get('error')}")
    return {
        (sample["metric"].get(label, "") if label else ""): float(sample["value"][1])
        for sample in body["data"]["result"]
    }


def _json_or_none(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
