"""A candidate semantic tier: re-asks and drift by meaning, from static word embeddings.

Each turn's text (the detectors' bounded head-and-tail view) becomes the mean of its tokens'
vectors in WordLlama's ``l2_supercat`` table (256 dimensions), normalised to unit length, so
a dot product is a cosine similarity. The table and its tokenizer ship inside the
``wordllama`` wheel; :func:`load_embedder` reads both from the installed package and never
calls the library's loader, which looks for the tokenizer in the wrong folder and then
downloads it.

The features (``session_features``) are pure functions of the turns' roles and vectors:

- ``semantic_reask``: the largest similarity of a user follow-up (a user turn after an
  assistant answer) to any earlier user turn; a re-ask or a restated constraint in other words.
- ``semantic_reasks``: how many follow-ups reach ``REASK_SIMILARITY`` against an earlier user turn.
- ``semantic_restates``: the largest similarity of a follow-up to the user turn just before it.
- ``semantic_off_request``: the largest dissimilarity (1 − cosine) of an answer to the user
  turn it answers; an answer about something else.
- ``semantic_drift``: how much the first answer's similarity to its request exceeds the last
  answer's (0 when it does not fall); the conversation moving away from what was asked.

Every feature is 0 where the session has nothing to compare (one user turn, no answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np
from numpy.typing import NDArray

from undercurrent.detectors.model import DetectorConfig
from undercurrent.sessions.model import SessionSnapshot

REASK_SIMILARITY = 0.9
"""Similarity from which a follow-up counts as asking an earlier request again."""
FEATURES = ("semantic_reask", "semantic_reasks", "semantic_restates", "semantic_off_request", "semantic_drift")

Vectors = NDArray[np.float32]


class Followup(msgspec.Struct, frozen=True):
    """A user turn after an assistant answer, with its similarity to the earlier user turns."""

    position: int
    """Its position in the roles given."""
    to_earlier: float
    """The largest similarity to any earlier user turn."""
    to_previous: float
    """The similarity to the user turn just before it."""


def followups(roles: Sequence[str], vectors: Vectors) -> list[Followup]:
    """Every user follow-up of the session (a user turn with an assistant answer since the first user turn)."""
    if len(roles) != len(vectors):
        raise ValueError(f"{len(roles)} roles for {len(vectors)} vectors")
    users = [i for i, role in enumerate(roles) if role == "user"]
    out = []
    for k, u in enumerate(users[1:], start=1):
        if any(roles[j] == "assistant" for j in range(users[0] + 1, u)):
            similarity = vectors[users[:k]] @ vectors[u]
            out.append(Followup(u, float(similarity.max()), float(similarity[-1])))
    return out


def session_features(roles: Sequence[str], vectors: Vectors) -> dict[str, float]:
    """The semantic features of one session from its turns' roles and unit vectors (one row per turn)."""
    asked = followups(roles, vectors)
    fit = [float(vectors[request] @ vectors[answer]) for request, answer in _answer_pairs(roles)]
    return {
        "semantic_reask": _clip(max((f.to_earlier for f in asked), default=0.0)),
        "semantic_reasks": float(sum(f.to_earlier >= REASK_SIMILARITY for f in asked)),
        "semantic_restates": _clip(max((f.to_previous for f in asked), default=0.0)),
        "semantic_off_request": _clip(max((1.0 - s for s in fit), default=0.0)),
        "semantic_drift": _clip(fit[0] - fit[-1]) if len(fit) > 1 else 0.0,
    }


def _answer_pairs(roles: Sequence[str]) -> list[tuple[int, int]]:
    """(user turn, the assistant turn right after it) for every answered user turn, in order."""
    return [(i, i + 1) for i in range(len(roles) - 1) if roles[i] == "user" and roles[i + 1] == "assistant"]


def _clip(value: float) -> float:
    return min(max(value, 0.0), 1.0)


class Embedder:
    """Mean-pooled, unit-length static embeddings of texts, from a token table and its tokenizer."""

    def __init__(self, table: Vectors, tokenizer: object) -> None:
        self._table = np.ascontiguousarray(table, dtype=np.float32)
        self._tokenizer = tokenizer

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._table.shape[1]), dtype=np.float32)
        for row, encoding in enumerate(self._tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, len(self._table) - 1)
            if ids.size:
                mean = self._table[ids].mean(axis=0)
                norm = float(np.linalg.norm(mean))
                out[row] = mean / norm if norm else mean
        return out


WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"


def load_embedder() -> Embedder:
    """WordLlama's ``l2_supercat`` table and tokenizer, read from the files inside the installed wheel."""
    import wordllama
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    package = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(package / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Embedder(load_file(str(package / WEIGHTS))["embedding.weight"], tokenizer)


class Embedded(msgspec.Struct, frozen=True):
    """A session's user and assistant turns: their indices, roles and unit vectors."""

    indices: list[int]
    roles: list[str]
    vectors: Vectors


def embed_session(snapshot: SessionSnapshot, embedder: Embedder, config: DetectorConfig) -> Embedded:
    """Embed the bounded view (``DetectorConfig.answer``) of each user and assistant turn."""
    turns = [t for t in snapshot.turns if t.role in ("user", "assistant")]
    vectors = embedder.embed([config.answer(t.text) for t in turns])
    return Embedded([t.index for t in turns], [t.role for t in turns], vectors)


def snapshot_features(snapshot: SessionSnapshot, embedder: Embedder, config: DetectorConfig) -> dict[str, float]:
    """The session's semantic features: what the tier would compute on every closed session."""
    embedded = embed_session(snapshot, embedder, config)
    return session_features(embedded.roles, embedded.vectors)
