"""Single-turn assistant signals found by English cue phrases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import lexicon as lx
from . import lexicon_i18n as i18n
from .model import Context, DetectorConfig, Hit
from .text import cap, excerpt, sentences, strip_code, words
from .turns import answers


def _cue(text: str) -> str:
    return f'"{excerpt(text, 60)}"'


def refuses_or_declines(ctx: Context) -> Iterator[Hit]:
    for _, ai in answers(ctx.snapshot):
        view = ctx.config.answer(ai.text)
        if m := lx.REFUSAL.search(view) or i18n.REFUSAL_CUES.search(view):
            yield Hit(ai.index, 0.8, _cue(m.group(0)))


def asserts_knowledge_limit(ctx: Context) -> Iterator[Hit]:
    for _, ai in answers(ctx.snapshot):
        if m := lx.KNOWLEDGE_LIMIT.search(ctx.config.answer(ai.text)):
            yield Hit(ai.index, 0.8, _cue(m.group(0)))


_SPECIFIC = re.compile(
    r"\d[\d,.]*\s*(?:%|percent|million|billion|trillion|usd|years?|days?|hours?|km|kg|mg|ml)\b|\$\s?\d|\b\d{2,}\b",
    re.IGNORECASE,
)


def performative_hedge(ctx: Context) -> Iterator[Hit]:
    """A disclaimer followed by confident specifics or a full deliverable: a candidate, not a verdict."""
    for _, ai in answers(ctx.snapshot):
        text = ctx.config.answer(ai.text)
        m = lx.AI_DISCLAIMER.search(text)
        if not m or lx.REFUSAL.search(text):
            continue
        after = text[m.end() :]
        if _SPECIFIC.search(after) or len(words(strip_code(after))) >= 120 or "```" in after:
            yield Hit(ai.index, 0.5, f"disclaimer {_cue(m.group(0))} then specific content")


def overconfidence(ctx: Context) -> Iterator[Hit]:
    """Certainty markers with no hedge anywhere in the answer: a prior for the confidence trap."""
    for _, ai in answers(ctx.snapshot):
        text = lx.STOCK_OPENER.sub("", ctx.config.answer_prose(ai.text), count=1)
        m = lx.CERTAINTY.search(text)
        if m and not lx.HEDGE.search(text):
            yield Hit(ai.index, 0.5, f"certainty {_cue(m.group(0))} without hedges")


_ADDRESSED = re.compile(r"\byou(?:r)?\b", re.IGNORECASE)
_SHORT_ANSWER_WORDS = 80
_QUESTION_WORDS = 30
_TERSE_ANSWER_WORDS = 30
_SPEAKER = re.compile(r"(?:^|\s)[A-Z][a-z]+:\s")


def _clarifying_question(text: str, config: DetectorConfig) -> str | None:
    """A question to the user asking for something needed, not a closer, a rhetorical question or dialogue."""
    body = config.answer_prose(text)
    if "?" not in body:
        offer = _if_you_tell_me(body)
        return offer if offer and len(_SPEAKER.findall(body)) < 2 else None
    if len(_SPEAKER.findall(body)) >= 2:
        return None
    questions = [q for q in sentences(body, len(body)) if q.endswith("?") and not lx.GENERIC_CLOSER.search(q)]
    n_words = len(words(body, len(body)))
    for question in questions:
        addressed = _ADDRESSED.search(question) and len(question.split()) <= _QUESTION_WORDS
        if addressed and (lx.CLARIFYING_ASK.search(question) or n_words <= _SHORT_ANSWER_WORDS):
            return question
    if questions and n_words <= _TERSE_ANSWER_WORDS and body.rstrip().endswith("?"):
        return questions[-1]
    return _if_you_tell_me(body)


def _if_you_tell_me(body: str) -> str | None:
    """An offer that waits for the user's input ("if you tell me …"), found by the first clarifying cue."""
    m = lx.CLARIFYING_ASK.search(body)
    return m.group(0) if m and m.group(0).lower().startswith("if you") else None


def asked_clarifying_question(ctx: Context) -> Iterator[Hit]:
    for _, ai in answers(ctx.snapshot):
        if question := _clarifying_question(ai.text, ctx.config):
            yield Hit(ai.index, 0.7, _cue(question))


_SHORT_REQUEST_WORDS = 8
_LONG_ANSWER_WORDS = 150


def generate_without_clarifying(ctx: Context) -> Iterator[Hit]:
    """The opening request, short and vague, answered at length with no question and no stated interpretation."""
    opening = next(iter(answers(ctx.snapshot)), None)
    if opening is not None and opening[0] is not None:
        user, ai = opening[0], opening[1]
        request = cap(user.text, 300).strip()
        n_words = len(words(request))
        vague = lx.VAGUE_REQUEST.search(request)
        answer = ctx.config.answer(ai.text)
        if (
            vague
            and n_words <= _SHORT_REQUEST_WORDS
            and "```" not in user.text
            and len(words(answer, len(answer))) >= _LONG_ANSWER_WORDS
            and not _clarifying_question(ai.text, ctx.config)
            and not lx.INTERPRETATION.search(answer)
        ):
            yield Hit(ai.index, 0.4, f"vague request {_cue(request)} answered at length without asking")
