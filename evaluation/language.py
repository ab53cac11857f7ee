"""The language a ShareGPT user writes in, for stratifying the evaluation sample.

The identifier and the text clean-up are the service's (``undercurrent.detectors.language``);
this module keeps the rules the sample was drawn with: a longer head per turn and a higher bar
of evidence than the service's and, below the bar, the whole conversation instead of ``und``.

Each user turn's head votes; turns too short to tell ("continue", "hi") do not vote; when
no turn can vote, the whole conversation decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

import msgspec

from undercurrent.detectors.language import LANGUAGES, UNDETERMINED, classify, letters, own_words

__all__ = ["CJK", "LANGUAGES", "UNDETERMINED", "LanguageGuess", "classify", "conversation_language", "own_words"]

CJK: frozenset[str] = frozenset({"zh", "ja", "ko"})

Basis = Literal["user", "conversation", "none"]

_HEAD_CHARS = 300
_MIN_LETTERS = 15
_MIN_EVIDENCE = 60
_MIN_EVIDENCE_NON_LATIN = 30
_WHOLE_CHARS = 2000


class LanguageGuess(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    confidence: float
    basis: Basis


def conversation_language(messages: Sequence[tuple[str, str]]) -> LanguageGuess:
    """Each user turn's head votes with its letters times the identifier's confidence.

    A handful of Latin-script words is too little to tell a language by (short English
    prompts come out as Danish or French), so below ``_MIN_EVIDENCE`` the whole
    conversation, answers included, is classified instead. A few Han, Hangul, Cyrillic
    or Arabic characters are enough, hence the lower bar for text mostly in other scripts.
    """
    votes: dict[str, float] = defaultdict(float)
    evidence = latin = 0
    for role, text in messages:
        if role != "user":
            continue
        head = own_words(text)[: _HEAD_CHARS * 2].strip()[:_HEAD_CHARS]
        count = letters(head)
        if count >= _MIN_LETTERS:
            language, confidence = classify(head)
            votes[language] += confidence * count
            evidence += count
            latin += letters(ch for ch in head if ch.isascii())
    if evidence >= _MIN_EVIDENCE or (evidence >= _MIN_EVIDENCE_NON_LATIN and 2 * latin < evidence):
        best = max(sorted(votes), key=votes.__getitem__)
        return LanguageGuess(language=best, confidence=round(votes[best] / sum(votes.values()), 3), basis="user")
    whole = own_words("\n".join(text for _, text in messages))[:_WHOLE_CHARS]
    if letters(whole) >= _MIN_LETTERS:
        language, confidence = classify(whole)
        return LanguageGuess(language=language, confidence=round(confidence, 3), basis="conversation")
    return LanguageGuess(language=UNDETERMINED, confidence=0.0, basis="none")
