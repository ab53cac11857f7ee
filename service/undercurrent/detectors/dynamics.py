"""Multi-turn assistant signals: repetition after a failure, drift from the request, self-contradiction."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations, islice
from typing import NamedTuple

from ..sessions.model import TranscriptTurn
from . import lexicon as lx
from .memo import text_memo
from .model import Context, Hit
from .text import cap, content_tokens, excerpt, iter_sentences, jaccard, similarity, topic_tokens, words
from .turns import answers, chat_turns
from .user_reactions import is_negative_reaction

_SAME_ANSWER = 0.75
_MIN_CHARS = 120


def repetition(ctx: Context) -> Iterator[Hit]:
    """After a failure signal (negative reaction, re-ask or regenerate) the answer barely changes."""
    regenerated = {b.turn for b in ctx.snapshot.behaviours if b.type == "regenerate"}
    previous_ai: TranscriptTurn | None = None
    previous_user: TranscriptTurn | None = None
    reaction: tuple[TranscriptTurn, TranscriptTurn | None] | None = None
    for turn in chat_turns(ctx.snapshot):
        if turn.role == "user":
            reaction, previous_user = (turn, previous_user), turn
            continue
        if (
            previous_ai is not None
            and min(len(previous_ai.text), len(turn.text)) >= _MIN_CHARS
            and (previous_ai.index in regenerated or (reaction is not None and _failed(*reaction)))
        ):
            view = ctx.config.answer
            score = similarity(view(previous_ai.text), view(turn.text), ctx.config.max_compare_chars)
            if score >= _SAME_ANSWER:
                yield Hit(turn.index, score, f"{score:.0%} the same as turn {previous_ai.index} after a failure")
        previous_ai, reaction = turn, None


def _failed(user: TranscriptTurn, previous_user: TranscriptTurn | None) -> bool:
    """A negative reaction, or the previous request asked again; only checked where an answer follows."""
    return is_negative_reaction(user.text) or (
        previous_user is not None
        and jaccard(content_tokens(cap(user.text, 500)), content_tokens(cap(previous_user.text, 500))) >= 0.75
    )


_MIN_REQUEST_TOKENS = 4
_MIN_ANSWER_WORDS = 25
_REQUEST_CHARS = 1000


def _topic(text: str) -> frozenset[str]:
    return frozenset(t[:5] for t in content_tokens(text) if len(t) >= 4)


def _mostly_latin(text: str) -> bool:
    if text.isascii():
        return any(c.isalpha() for c in text)
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.9


def off_topic_drift(ctx: Context) -> Iterator[Hit]:
    """An answer that shares no topic word with its request or the previous answer (English-only)."""
    previous_answer: frozenset[str] = frozenset()
    for user, ai in answers(ctx.snapshot):
        answer = ctx.config.answer_prose(ai.text)
        answer_topic = _topic(answer)
        request = _topic(cap(user.text, _REQUEST_CHARS)) if user is not None else frozenset()
        if (
            user is not None
            and len(request) >= _MIN_REQUEST_TOKENS
            and not request & answer_topic
            and not previous_answer & answer_topic
            and len(words(answer, len(answer))) >= _MIN_ANSWER_WORDS
            and _mostly_latin(cap(user.text, _REQUEST_CHARS))
        ):
            yield Hit(ai.index, 0.4, f'no overlap with request "{excerpt(user.text, 50)}"')
        previous_answer = answer_topic


_MAX_SENTENCES = 15
_SENTENCE_CHARS = 200
_MIN_CLAIM_TOKENS = 3
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)


class _Claim(NamedTuple):
    text: str
    negated: bool
    topic: frozenset[str]


@text_memo(max_entries=256)
def _compared(body: str) -> tuple[tuple[str, bool], ...]:
    """The short sentences of an answer that may be claims, each with whether it holds a negation."""
    found = list(islice((c for c in iter_sentences(body) if 4 <= len(c.split()) <= 40), _MAX_SENTENCES))
    return tuple((c, bool(lx.NEGATION.search(c))) for c in found)


@text_memo(max_entries=256)
def _claims(body: str) -> tuple[_Claim, ...]:
    """Short sentences with enough topic words to compare; the only ones ``_flipped`` can pair."""
    claims = (_claim(c, negated) for c, negated in _compared(body))
    return tuple(c for c in claims if len(c.topic) >= _MIN_CLAIM_TOKENS)


def _may_flip(earlier: str, later: str) -> bool:
    """Whether a sentence of one answer is negated and one of the other is not: without such a pair no
    claim can flip another, and neither answer's topic words are needed."""
    first = {negated for _, negated in _compared(earlier)}
    return any(a != b for a in first for _, b in _compared(later))


def _claim(sentence: str, negated: bool) -> _Claim:
    """Topic words of the sentence's head without its negations.

    A whole sentence without a negation has none to remove; a cut one is read again, as the cut
    may end a word early and make a negation of it ("no" of "nothing").
    """
    head = sentence[:_SENTENCE_CHARS]
    cut = len(head) < len(sentence)
    return _Claim(sentence, negated, topic_tokens(lx.NEGATION.sub(" ", head) if negated or cut else head))


def _flipped(earlier: _Claim, later: _Claim) -> bool:
    """One claim negated and the other not, with every topic word of one found in the other."""
    if earlier.negated == later.negated:
        return False
    a, b = earlier.topic, later.topic
    return a <= b or b <= a


def self_contradiction(ctx: Context) -> Iterator[Hit]:
    """Pre-filter: a later answer negates an earlier claim, or flips yes/no on the same question, unacknowledged."""
    pairs = list(answers(ctx.snapshot))[-ctx.config.answers_compared :]
    for (q1, a1), (q2, a2) in combinations(pairs, 2):
        if lx.ACKNOWLEDGE.search_head(cap(a2.text, 400), ctx.config.answer(a2.text)):
            continue
        questions = (q1.text if q1 else "", q2.text if q2 else "")
        bodies = (ctx.config.answer_prose(a1.text), ctx.config.answer_prose(a2.text))
        if evidence := _contradiction(questions, (a1.text, a2.text), bodies):
            yield Hit(a2.index, 0.4, f"turn {a1.index} vs {a2.index}: {evidence}")


def _contradiction(questions: tuple[str, str], texts: tuple[str, str], bodies: tuple[str, str]) -> str | None:
    y1, y2 = _YES_NO.match(texts[0]), _YES_NO.match(texts[1])
    if y1 and y2 and y1.group(1).lower() != y2.group(1).lower() and _same_question(*questions):
        return f"answered {y1.group(1)!r} then {y2.group(1)!r} to the same question"
    if not _may_flip(*bodies):
        return None
    for claim in _claims(bodies[0]):
        for other in _claims(bodies[1]):
            if _flipped(claim, other):
                return f'"{excerpt(claim.text, 50)}" vs "{excerpt(other.text, 50)}"'
    return None


def _same_question(first: str, second: str) -> bool:
    return jaccard(content_tokens(cap(first, 300)), content_tokens(cap(second, 300))) >= 0.5
