"""The language a ShareGPT user writes in, for stratifying the evaluation sample.

The identifier is py3langid (a maintained fork of langid.py): its naive Bayes
model ships inside the wheel, it needs only numpy, and it classifies the whole
population in seconds. It is restricted to widely written languages, which stops
it from naming rare labels (Walloon, Nigerian Pidgin, "no language") for short
English text.

What is classified is the user's own words: code, URLs and the boilerplate that
browser extensions append to prompts are removed first, and each user turn
votes with the first few hundred characters, where people usually write their
instruction before pasting material. Turns too short to tell ("continue",
"hi") do not vote; when no turn can vote, the whole conversation decides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Literal

import msgspec

LANGUAGES: tuple[str, ...] = (
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr", "hu",
    "id", "it", "ja", "ko", "lt", "lv", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv",
    "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip
CJK: frozenset[str] = frozenset({"zh", "ja", "ko"})
UNDETERMINED = "und"

Basis = Literal["user", "conversation", "none"]

_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_EXTENSION_BOILERPLATE = re.compile(
    r"지금 번역하기|번역 취소하기|번역결과|Share Prompt|"
    r"Please write in [\w\s,-]*?(?:language|style)\.?|Answer in English\.?",
    re.I,
)
_HEAD_CHARS = 300
_MIN_LETTERS = 15
_MIN_EVIDENCE = 60
_MIN_EVIDENCE_NON_LATIN = 30
_WHOLE_CHARS = 2000


class LanguageGuess(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    confidence: float
    basis: Basis


def own_words(text: str) -> str:
    """``text`` without code, URLs and extension boilerplate."""
    for pattern in (_FENCED, _INLINE_CODE, _URL, _EXTENSION_BOILERPLATE):
        text = pattern.sub(" ", text)
    return text


def letters(text: Iterable[str]) -> int:
    """Letters weighted by their UTF-8 length: the identifier reads bytes, and one Hangul or
    Han character (three bytes) tells it about as much as a short Latin word."""
    return sum(len(ch.encode()) for ch in text if ch.isalpha())


@cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def classify(text: str) -> tuple[str, float]:
    language, confidence = _identifier().classify(text)
    return language, float(confidence)


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
