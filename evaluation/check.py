"""Checks over whole labels files: every line valid, known, and labelled once per labeller."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from .files import LabelLine
from .labels import ConversationLabel, problems


def check_lines(lines: Iterable[LabelLine], sample_ids: Iterable[str], roles: Mapping[str, Sequence[str]]) -> list[str]:
    """Problems as ``file:line: message``; ``roles`` maps a conversation id to the role of each turn."""
    known = set(sample_ids)
    seen: dict[tuple[str, str], str] = {}
    found: list[str] = []
    for entry in lines:
        if entry.label is None:
            found.append(f"{entry.where}: {entry.error}")
            continue
        label = entry.label
        if label.id not in known:
            found.append(f"{entry.where}: {label.id} is not in the sample")
            continue
        key = (label.id, label.labeller)
        if key in seen:
            found.append(f"{entry.where}: {label.id} already labelled by {label.labeller} at {seen[key]}")
        seen.setdefault(key, entry.where)
        found += [f"{entry.where}: {label.id}: {p}" for p in problems(label, roles.get(label.id))]
    return found


class Agreement(msgspec.Struct, frozen=True, kw_only=True):
    """Raw agreement between labellers on the conversations labelled more than once."""

    conversations: int
    failed: float
    visibility: float
    quality: float


def merged(labels: Iterable[ConversationLabel], order: Sequence[str]) -> list[ConversationLabel]:
    """One list in sample order, then by labeller."""
    position = {cid: i for i, cid in enumerate(order)}
    return sorted(labels, key=lambda label: (position.get(label.id, len(position)), label.id, label.labeller))


def agreement(labels: Iterable[ConversationLabel]) -> Agreement | None:
    """Share of labeller pairs that agree, over conversations with two or more labellers."""
    by_id: dict[str, list[ConversationLabel]] = defaultdict(list)
    for label in labels:
        by_id[label.id].append(label)
    pairs = [(a, b) for group in by_id.values() for i, a in enumerate(group) for b in group[i + 1 :]]
    if not pairs:
        return None
    return Agreement(
        conversations=sum(len(g) > 1 for g in by_id.values()),
        failed=sum(a.failed == b.failed for a, b in pairs) / len(pairs),
        visibility=sum(a.failure_visibility == b.failure_visibility for a, b in pairs) / len(pairs),
        quality=sum(a.quality == b.quality for a, b in pairs) / len(pairs),
    )
