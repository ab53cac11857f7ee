"""Risk factors: what a request and its answers look like, as numbers in [0, 1] the risk model weighs.

Signals describe how the user reacted; most failures are invisible, so nobody reacts. Some
kinds of exchange fail more often than others whatever the reaction: answers that give links,
figures or code, requests for a fact, a calculation or something current, long sessions,
parts that start in the middle of a conversation. A factor says how much of that a session
has; the risk model learns from labelled data and verdicts how much each raises the chance of
failure. Factors are cheap (bounded regular expressions over the views the detectors use) and
mostly language-independent (links, digits, code), with English cue words where there are any.

Add a factor to ``FACTORS`` to compute it; it weighs nothing until the risk model is refitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from . import lexicon as lx
from . import lexicon_i18n as i18n
from . import shape
from .cue import Cue
from .model import Context
from .text import cap
from .turns import chat_turns

FactorFn = Callable[[Context], float]

_ANSWERS = 6
_REQUESTS = 6
_REQUEST_CHARS = 600
_OPENING = 300


def _cue(pattern: str, flags: int = 0) -> Cue:
    return Cue(re.compile(pattern, flags))


_LINK = _cue(r"https?://|\bwww\.\w")
"""A cue, as the answer views it reads are scanned for the lexicons anyway."""
_NUMBER = re.compile(r"[$€£\d](?<![\w.].)(?:(?<=\d)|(?<=[$€£])\d)[\d,]*(?:\.\d+)?%?(?!\w|\.\d)")
r"""A figure: an optional currency sign, then digits, not inside a word or a number.

It opens with the class of characters a figure starts with, which ``re`` skips to without trying the
pattern elsewhere (a leading lookahead or lookbehind would be tried at every place); the lookbehinds
after it say what ``(?<![\w.])[$€£]?\d`` says before it."""
_CODE_LINE = re.compile(r"\n\s{4}\S.*[;{}()=]\s*$", re.M)
"""An indented line of code, found after a line break: ``re`` skips to the literal break."""


def _has_code(answer: str) -> bool:
    """A fence, or an indented line that ends like code; a break before the text stands for its first line start."""
    return "```" in answer or bool(_CODE_LINE.search("\n" + answer))
_FACT_OR_CALC = _cue(
    r"\b(?:how (?:many|much|long|far|old)|what (?:is|was|are|were) the (?:\w+ )?(?:number|price|cost|population|date|"
    r"year|rate|value|name|capital|formula)|when (?:did|was|is|were)|who (?:is|was|wrote|invented|founded)|calculate|"
    r"compute|convert|solve|estimate)\b|\d\s*[-+*/×÷^]\s*\d",
    re.I,
)
_CURRENT_OR_SOURCE = _cue(
    r"\b(?:latest|current(?:ly)?|today|recent(?:ly)?|this year|news|20[12]\d|links?|urls?|websites?|sources?|"
    r"references?|citations?|cite|papers?|articles?|studies|books?)\b",
    re.I,
)
"""Request cues read the user turns that the lexicons scan anyway."""
_CONTINUE = re.compile(r"^\W*(?:continue[sz]?|go on|keep going|next|more|계속|继续|続けて|continúa|weiter)\W*$", re.I)


class Factor(msgspec.Struct, frozen=True):
    name: str
    version: str
    fn: FactorFn


def _answers(ctx: Context) -> list[str]:
    texts = [t.text for t in chat_turns(ctx.snapshot) if t.role == "assistant"][:_ANSWERS]
    return [ctx.config.answer(t) for t in texts]


def _requests(ctx: Context) -> list[str]:
    return [cap(t.text, _REQUEST_CHARS) for t in chat_turns(ctx.snapshot) if t.role == "user"][:_REQUESTS]


def answer_links(ctx: Context) -> float:
    """Share of answers that give a link (links are often invented or dead)."""
    answers = _answers(ctx)
    return sum(bool(_LINK.search(a)) for a in answers) / len(answers) if answers else 0.0


def answer_figures(ctx: Context) -> float:
    """Figures (numbers, amounts, percentages, years) in the answers, up to 20."""
    return min(sum(len(_NUMBER.findall(a)) for a in _answers(ctx)), 20) / 20


def answer_code(ctx: Context) -> float:
    """Share of answers that contain code."""
    answers = _answers(ctx)
    return sum(_has_code(a) for a in answers) / len(answers) if answers else 0.0


def request_fact_or_calculation(ctx: Context) -> float:
    """A request for a specific fact or a calculation."""
    return float(any(_FACT_OR_CALC.search(r) for r in _requests(ctx)))


def request_current_or_source(ctx: Context) -> float:
    """A request for something current, a link or a source."""
    return float(any(_CURRENT_OR_SOURCE.search(r) for r in _requests(ctx)))


def continuation(ctx: Context) -> float:
    """The session starts in the middle of a conversation, or is driven by bare "continue" prompts."""
    turns = chat_turns(ctx.snapshot)
    if turns and turns[0].role == "assistant":
        return 1.0
    return float(any(_CONTINUE.match(r) for r in _requests(ctx)))


def answer_admits_error(ctx: Context) -> float:
    """An answer that opens by admitting a mistake ("I apologize", "you're right", "tienes razón"): the
    conversation already went wrong once, and on the labelled dev split such sessions fail more often."""
    openings = (
        (cap(t.text, _OPENING), ctx.config.answer(t.text)) for t in chat_turns(ctx.snapshot) if t.role == "assistant"
    )
    return float(
        any(
            lx.ADMITS_ERROR.search_head(opening, view) or i18n.ADMITS_ERROR_CUES.search_head(opening, view)
            for opening, view in openings
        )
    )


def user_turns(ctx: Context) -> float:
    """Number of user turns, up to 10: every turn is another chance to fail."""
    return min(sum(t.role == "user" for t in chat_turns(ctx.snapshot)), 10) / 10


FACTORS: tuple[Factor, ...] = (
    Factor("answer_links", "1", answer_links),
    Factor("answer_figures", "1", answer_figures),
    Factor("answer_code", "1", answer_code),
    Factor("request_fact_or_calculation", "1", request_fact_or_calculation),
    Factor("request_current_or_source", "1", request_current_or_source),
    Factor("continuation", "1", continuation),
    Factor("answer_admits_error", "1", answer_admits_error),
    Factor("user_turns", "1", user_turns),
    Factor("last_answer_short", "1", shape.last_answer_short),
)
FACTOR_NAMES: tuple[str, ...] = tuple(f.name for f in FACTORS)


def compute_factors(ctx: Context, factors: tuple[Factor, ...] = FACTORS) -> dict[str, float]:
    """The non-zero factors of a session, rounded."""
    values = {f.name: round(f.fn(ctx), 3) for f in factors}
    return {name: value for name, value in values.items() if value}
