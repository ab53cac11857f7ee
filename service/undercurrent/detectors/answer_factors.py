"""Risk factors read from the answers: what makes a silent failure more likely, whatever the user says.

Most failures in real conversations are invisible: the user never reacts. On the labelled dev
split two cheap properties of the answers predict them beyond the reaction signals: code in
the answers (code is where a wrong API or a bug hides) and an answer that admits an earlier
error (the conversation already went wrong once). Values are in [0, 1].
"""

from __future__ import annotations

from . import lexicon as lx
from . import lexicon_i18n as i18n
from .model import Context
from .text import cap, has_code
from .turns import answers

_CODE_ANSWERS = 3
_OPENING = 300


def answer_has_code(ctx: Context) -> float:
    """The share of up to three answers that carry code."""
    with_code = sum(has_code(ctx.config.answer(ai.text)) for _, ai in answers(ctx.snapshot))
    return min(with_code, _CODE_ANSWERS) / _CODE_ANSWERS


def answer_admits_error(ctx: Context) -> float:
    """1 when an answer opens by admitting a mistake ("I apologize", "you're right", "tienes razón")."""
    for _, ai in answers(ctx.snapshot):
        opening = cap(ai.text, _OPENING)
        if lx.ADMITS_ERROR.search(opening) or i18n.ADMITS_ERROR_CUES.search(opening):
            return 1.0
    return 0.0
