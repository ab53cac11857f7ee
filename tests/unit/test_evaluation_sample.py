"""The committed evaluation sets: reproduced by their procedures, consistent with the package."""

from __future__ import annotations

import json
from collections import Counter

import msgspec
import pytest
from evaluation import files
from evaluation.check import check_lines
from evaluation.draw import draw
from evaluation.language import conversation_language
from evaluation.language_check import LanguageCheck, summarise
from evaluation.population import conversations_by_id, read_population
from evaluation.tau_bench import TaskSplit, split_tasks


@pytest.fixture(scope="module")
def population():
    return read_population()


@pytest.fixture(scope="module")
def sample():
    return files.read_sample()


def test_the_committed_sample_is_what_the_procedure_draws(population, sample) -> None:
    assert draw(population).rows == sample


def test_the_sample_meets_its_size_and_language_targets(sample) -> None:
    strata = Counter(r.stratum for r in sample)
    assert len(sample) >= 400
    assert (strata["cjk"] + strata["other"]) / len(sample) >= 0.3  # ≥ 25% after the identifier's misses
    splits = Counter(r.split for r in sample)
    assert abs(splits["dev"] - splits["test"]) <= 0.05 * len(sample)


def test_every_labels_file_is_valid_against_the_sample_and_the_package(sample) -> None:
    paths = sorted(files.LABELS.glob("*.jsonl"))
    assert paths, "no labels committed"
    lines = [line for path in paths for line in files.read_labels(path)]
    ids = {line.label.id for line in lines if line.label is not None}
    roles = {cid: [role for role, _ in c.messages] for cid, c in conversations_by_id(ids).items()}
    assert len(roles) == len(ids)
    assert check_lines(lines, [r.id for r in sample], roles) == []


def test_language_check_matches_the_identifier_and_its_figures() -> None:
    checks = [msgspec.json.decode(line, type=LanguageCheck) for line in files.LANGUAGE_CHECK.read_bytes().splitlines()]
    conversations = conversations_by_id(c.id for c in checks)
    assert [conversation_language(conversations[c.id].messages).language for c in checks] == [
        c.identifier for c in checks
    ]
    summary = summarise(checks)
    assert summary.non_english_precision == (34, 40)
    assert summary.english_correct == (40, 40)


def test_tau_bench_split_is_by_task_and_reproducible() -> None:
    committed = msgspec.json.decode(files.TAU_SPLIT.read_bytes(), type=TaskSplit)
    runs = json.loads(files.TAU_TRACES.read_bytes())
    tasks = {run["task_id"] for run in runs}
    assert split_tasks([run["task_id"] for run in runs], seed=committed.seed, dev_tasks=13) == committed
    assert set(committed.dev) | set(committed.test) == tasks
    assert not set(committed.dev) & set(committed.test)
    assert (len(committed.dev), len(committed.test)) == (13, 12)
