"""User reactions to the previous assistant turn (English cue lists, and ``lexicon_i18n`` for other languages)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz, process

from ..sessions.model import TranscriptTurn
from . import agent_lexicon as agent_lx
from . import lexicon as lx
from . import lexicon_i18n as i18n
from .model import Context, Hit
from .text import STOPWORDS, cap, content_tokens, excerpt, first_sentence, has_code, jaccard, similarity, words
from .turns import chat_turns, replies

_HEAD = 600
_OPENING = 300
_FIRST_LINE = 200


def _cue(match_text: str) -> str:
    return f'"{excerpt(match_text, 60)}"'


def corrects_ai(ctx: Context) -> Iterator[Hit]:
    """Explicit corrections, implicit ones ("did not work", "are you sure", a restated "I meant") in
    any of the cue languages, and an error pasted back after an answer with code."""
    earlier_code = False
    for r in replies(ctx.snapshot):
        code = has_code(ctx.config.answer(r.answered.text))
        head = cap(r.user.text, _HEAD)
        if not (lx.NOT_A_CORRECTION.search(head) or i18n.NOT_A_CORRECTION_CUES.search(head)):
            if m := _explicit_correction(head, r.answered.text):
                yield Hit(r.user.index, 0.8, _cue(m.group(0)))
            elif m := _implicit_correction(cap(head, _OPENING)):
                yield Hit(r.user.index, 0.7, _cue(m.group(0)))
            elif (code and (m := _error_text(head))) or (earlier_code and (m := _error_text(_first_line(head)))):
                yield Hit(r.user.index, 0.7, f"error after code: {_cue(m.group(0))}")
        earlier_code = earlier_code or code


def _explicit_correction(head: str, answer: str | None) -> re.Match[str] | None:
    """A leading "no" corrects an answer or turns down a proposed action, but merely answers any other
    question the assistant ended on ("Any allergies?" "No, I eat everything")."""
    if (m := lx.BARE_NO.search(head) or i18n.BARE_NO_CUES.search(head)) and not (
        answer is not None and _asks_user(answer)
    ):
        return m
    return lx.CORRECTION.search(head) or i18n.CORRECTION_CUES.search(head)


def _asks_user(answer: str) -> bool:
    tail = answer.rstrip()[-_ENDING:]
    return tail.endswith("?") and not agent_lx.CONFIRMATION_REQUEST.search(tail)


def _first_line(text: str) -> str:
    """Where a reply that pastes error output back puts it; an error named further down is more often
    part of the user's own code or a new specification."""
    return text.lstrip().split("\n", 1)[0][:_FIRST_LINE]


def _error_text(head: str) -> re.Match[str] | None:
    return lx.ERROR_TEXT.search(head) or lx.DIAGNOSTIC.search(head) or i18n.ERROR_CUES.search(head)


def _implicit_correction(head: str) -> re.Match[str] | None:
    return lx.IMPLICIT_CORRECTION.search(head) or i18n.ARE_YOU_SURE_CUES.search(head)


def _shouting(text: str) -> str | None:
    """A shouted negative word, unless the whole text is in capitals (the cue first: it rarely matches)."""
    if not (m := lx.SHOUTED_NEGATIVE.search(text)):
        return None
    letters = [c for c in text if c.isalpha()]
    upper_share = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    return None if upper_share > 0.6 else m.group(0)


def expresses_frustration(ctx: Context) -> Iterator[Hit]:
    for r in replies(ctx.snapshot):
        head = cap(r.user.text, _HEAD)
        if m := lx.FRUSTRATION.search(head):
            yield Hit(r.user.index, 0.8, _cue(m.group(0)))
        elif shouted := _shouting(head):
            yield Hit(r.user.index, 0.6, f"shouted {shouted!r}")


def expresses_dissatisfaction(ctx: Context) -> Iterator[Hit]:
    for r in replies(ctx.snapshot):
        first = first_sentence(r.user.text)
        if m := lx.DISSATISFACTION.search(first) or i18n.DISSATISFACTION_CUES.search(first):
            yield Hit(r.user.index, 0.7, _cue(m.group(0)))


def asks_clarification(ctx: Context) -> Iterator[Hit]:
    for r in replies(ctx.snapshot):
        head = cap(r.user.text, _HEAD)
        if lx.REPORTED_SPEECH.match(head):
            continue
        if m := lx.CLARIFICATION.search(head):
            yield Hit(r.user.index, 0.7, _cue(m.group(0)))
        elif (term := lx.TERM_QUESTION.match(head)) and term.group(1).lower() in _answer_lower(r.answered, ctx):
            yield Hit(r.user.index, 0.6, f"asks about {term.group(1)!r} from the answer")
        elif (m := lx.ANSWER_QUESTION.search(head)) and content_tokens(cap(head, 300)) & _answer_tokens(
            r.answered, ctx
        ):
            yield Hit(r.user.index, 0.6, f"asks about the answer: {_cue(m.group(0))}")


_MIN_CONTENT = 3
_MIN_REPEAT_CONTENT = 2
_WINDOW = 6
_ENDING = 300
_REASK_WORDS = frozenset(
    ["again", "said", "asked", "already", "told", "once", "more", "time", "just", "please", "still"]
)


def repeats_request(ctx: Context) -> Iterator[Hit]:
    """Same request again (near-verbatim, same content words, or a re-ask marker) with nothing new added."""
    earlier: list[tuple[int, str, frozenset[str], str]] = []
    for turn in chat_turns(ctx.snapshot):
        if turn.role != "user":
            continue
        text = cap(turn.text, 500)
        tokens = content_tokens(text)
        if (
            len(tokens) >= _MIN_REPEAT_CONTENT
            and not lx.CONTINUATION.match(text)
            and not lx.MORE_OF_THE_SAME.search(text)
        ):
            for index, old_text, old_tokens, old_end in earlier[-_WINDOW:]:
                score = _repeat_score(text, tokens, old_text, old_tokens)
                if score and not _adds_content(text, old_text) and _same_ending(turn.text, old_end):
                    yield Hit(turn.index, score, f"re-asks turn {index}: {_cue(text)}")
                    break
            earlier.append((turn.index, text, tokens, _ending(turn.text)))


def _ending(text: str) -> str:
    return text[-_ENDING:] if len(text) > 500 else ""


def _same_ending(text: str, old_ending: str) -> bool:
    """A long message is compared by its first 500 characters, so it must also end without anything new:
    a fixed template (instructions pasted before each question) with a new question at the end is a new request."""
    return not _adds_content(_ending(text), old_ending) if _ending(text) and old_ending else True


def _repeat_score(text: str, tokens: frozenset[str], old: str, old_tokens: frozenset[str]) -> float:
    if similarity(text, old, 500) >= 0.9:
        return 0.9
    overlap = jaccard(tokens, old_tokens)
    if overlap >= 0.75 and len(tokens) <= 1.5 * len(old_tokens):
        return 0.7
    if overlap >= 0.4 and lx.RE_ASK.search(text):
        return 0.8
    return 0.0


def _adds_content(text: str, old: str) -> bool:
    """True when the new message names something (a word or number) the old one did not, typos aside."""
    old_words = set(words(old, 500))
    new = {w for w in words(text, 500) if w not in old_words and w not in STOPWORDS and w not in _REASK_WORDS}
    return any(
        not old_words or process.extractOne(w, old_words, scorer=fuzz.ratio, score_cutoff=80) is None for w in new
    )


def positive_feedback(ctx: Context) -> Iterator[Hit]:
    for r in replies(ctx.snapshot):
        head = first_sentence(lx.THANKS.sub(" ", cap(r.user.text, 300)).strip(" ,.!"))
        if lx.APPROVAL_VETO.search(head):
            continue
        if m := lx.APPROVAL.search(head) or (
            not i18n.APPROVAL_VETO_CUES.search(head) and i18n.APPROVAL_CUES.search(head)
        ):
            yield Hit(r.user.index, 0.8, _cue(m.group(0)))


def is_negative_reaction(text: str) -> bool:
    head = cap(text, _HEAD)
    return bool(
        ((_explicit_correction(head, None) or _implicit_correction(head)) and not lx.NOT_A_CORRECTION.search(head))
        or lx.FRUSTRATION.search(head)
        or lx.DISSATISFACTION.search(head)
        or lx.FAILURE_REPORT.search(head)
    )


_CONTEXT_TURNS = 4
_USER_CHARS = 1500


def abandons_thread(ctx: Context) -> Iterator[Hit]:
    """A pivot to an unrelated request while the previous line was visibly unresolved."""
    reply_indices: set[int] = set()
    for r in replies(ctx.snapshot):
        reply_indices.add(r.user.index)
        head = cap(r.user.text, 200)
        tokens = content_tokens(cap(r.user.text, 500))
        if len(tokens) < _MIN_CONTENT or lx.CLOSURE.search(head) or lx.APPROVAL.search(head):
            continue
        if not (lx.NEW_REQUEST.search(head) or head.rstrip().endswith(("?", "please", "please."))):
            continue
        unresolved = _open_question(r.answered.text) or (
            r.previous_user is not None
            and r.previous_user.index in reply_indices
            and is_negative_reaction(r.previous_user.text)
        )
        if not unresolved:
            continue  # before the topic of the context, which costs more to find
        context = [t for t in chat_turns(ctx.snapshot) if t.index < r.user.index][-_CONTEXT_TURNS:]
        previous = frozenset().union(*(content_tokens(_bounded(t, ctx)) for t in context))
        if not tokens & previous:
            yield Hit(r.user.index, 0.6, f"new topic {_cue(r.user.text)} leaves turn {r.answered.index} open")


def _answer_tokens(turn: TranscriptTurn, ctx: Context) -> frozenset[str]:
    return content_tokens(ctx.config.answer(turn.text))


def _answer_lower(turn: TranscriptTurn, ctx: Context) -> str:
    return ctx.config.answer(turn.text).lower()


def _bounded(turn: TranscriptTurn, ctx: Context) -> str:
    return ctx.config.answer(turn.text) if turn.role == "assistant" else cap(turn.text, _USER_CHARS)


def _open_question(answer: str) -> bool:
    tail = answer.rstrip()[-300:]
    return tail.endswith("?") and not lx.GENERIC_CLOSER.search(tail)
