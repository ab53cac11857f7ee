"""Session shape: what the lengths and the order of the turns say, in any language.

Shape factors read no words, only which side spoke and how much, so they cost a pass over the
turns and carry over to every language. Each is a candidate the risk model may weigh; one is
kept only when grouped cross-validation on the dev split shows it separates failed sessions
(``bench/risk_features.py``).
"""

from __future__ import annotations

from .model import Context
from .turns import chat_turns

SHORT_LAST_ANSWER = 0.5
"""The last answer counts as short under this share of the first answer's length (set a priori, not tuned)."""


def last_answer_short(ctx: Context) -> float:
    """1 when a session of two or more answers ends on an answer under half as long as its first one.

    A long first answer followed, at the end, by a short one is mostly a patch: a fix after a
    complaint, a continuation of a cut-off answer, a one-line reply to a follow-up about the
    first answer. On the labelled dev split such sessions failed 20 times in 24. Answers with
    no visible text do not count (an empty answer is ``ai_malfunction``'s).
    """
    lengths = [len(t.text) for t in chat_turns(ctx.snapshot) if t.role == "assistant" and t.text.strip()]
    return float(len(lengths) > 1 and lengths[-1] < SHORT_LAST_ANSWER * lengths[0])
