"""Render every dashboard to dashboards/json/<name>.json; `--check` fails when a file is stale.

Run from the repository root: `python -m dashboards.build [--check]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from . import feature_slo, judge, oncall, pipeline, releases

OUT_DIR = Path(__file__).parent / "json"
DASHBOARDS: dict[str, Callable[[str], db.Dashboard]] = {
    "oncall": oncall.build,
    "feature_slo": feature_slo.build,
    "judge": judge.build,
    "pipeline": pipeline.build,
    "releases": releases.build,
}
# How `all_panel_queries` fills variables: "All" selects every value; a release stands for every release.
VARIABLE_VALUES = {"$feature": ".+", "$domain": ".+", "${baseline:regex}": ".+", "${candidate:regex}": ".+"}


def uid_for(name: str) -> str:
    return f"undercurrent-{name.replace('_', '-')}"


def render(name: str) -> dict[str, Any]:
    board = json.loads(json.dumps(DASHBOARDS[name](uid_for(name)).build(), cls=JSONEncoder))
    for panel_id, panel in enumerate(board["panels"], start=1):
        panel["id"] = panel_id
    return board


def to_text(board: dict[str, Any]) -> str:
    return json.dumps(board, indent=2, sort_keys=True) + "\n"


def substitute_variables(expr: str) -> str:
    return re.sub(r"\$(feature|domain)\b|\$\{(baseline|candidate):regex\}", lambda m: VARIABLE_VALUES[m.group(0)], expr)


def all_panel_queries() -> list[tuple[str, str, str]]:
    """(dashboard, panel title, expr) for every panel target, variables filled in, for a live Prometheus."""
    return [
        (name, panel["title"], substitute_variables(target["expr"]))
        for name in DASHBOARDS
        for panel in render(name)["panels"]
        for target in panel.get("targets", [])
    ]


def stale(out_dir: Path = OUT_DIR) -> list[Path]:
    paths = {name: out_dir / f"{name}.json" for name in DASHBOARDS}
    return [p for name, p in paths.items() if not p.exists() or p.read_text() != to_text(render(name))]


def write_all(out_dir: Path = OUT_DIR) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in DASHBOARDS:
        (out_dir / f"{name}.json").write_text(to_text(render(name)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed JSON file is stale")
    args = parser.parse_args(argv)
    if not args.check:
        write_all()
        return 0
    outdated = stale()
    for path in outdated:
        print(f"{path} is stale: run `python -m dashboards.build`", file=sys.stderr)
    return 1 if outdated else 0


if __name__ == "__main__":
    sys.exit(main())
