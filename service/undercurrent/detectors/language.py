"""The language a session's user writes in, identified at close.

The identifier is py3langid (a maintained fork of langid.py): its naive Bayes model ships
inside the wheel (no download at start-up or run time), it needs only numpy, and one call
on a few hundred characters takes tens of microseconds. It is restricted to widely written
languages, which stops it from naming rare labels (Walloon, Nigerian Pidgin) for short
English text.

What is classified is the user's own words: code, URLs and the boilerplate browser
extensions append to prompts are removed, and each user turn votes with its first hundred
characters (where people write their instruction before pasting material), by letters
times the identifier's confidence, until about two turns' worth has voted. Turns too short to tell ("continue", "hi") do
not vote. When the votes rest on too little text the session's language is ``und``: "ok
thanks" is not enough to tell a language by. Text is counted in UTF-8 bytes of letters, so
the bar is about six Latin-script words or ten Han or Hangul characters (set on the labelled
dev split: lower bars named no more wrong languages there, only fewer ``und``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

LANGUAGES: tuple[str, ...] = (
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr", "hu",
    "id", "it", "ja", "ko", "lt", "lv", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv",
    "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip
UNDETERMINED = "und"

_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_EXTENSION_BOILERPLATE = re.compile(
    r"지금 번역하기|번역 취소하기|번역결과|Share Prompt|"
    r"Please write in [\w\s,-]*?(?:language|style)\.?|Answer in English\.?",
    re.I,
)
HEAD_CHARS = 100
"""On the labelled dev split a shorter head named the language more often than 300 characters
(pasted material starts sooner than one thinks) at half the cost."""
MIN_LETTERS = 15
"""A user turn with fewer letter bytes than this does not vote."""
MIN_EVIDENCE = 30
"""Fewer letter bytes than this in all voting turns together: ``und``."""
ENOUGH_EVIDENCE = 200
"""Voting stops once this much text has voted: a long session's language is settled by its first turns."""


class SessionLanguage(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    confidence: float


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
def identifier() -> LanguageIdentifier:
    """The identifier, loaded once per process (about half a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    loaded = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    loaded.set_languages(list(LANGUAGES))
    return loaded


def classify(text: str) -> tuple[str, float]:
    language, confidence = identifier().classify(text)
    return language, float(confidence)


def user_head(text: str) -> str:
    """The part of one user turn that votes: the first ``HEAD_CHARS`` of the user's own words."""
    return own_words(text[: HEAD_CHARS * 4])[: HEAD_CHARS * 2].strip()[:HEAD_CHARS]


def session_language(user_texts: Iterable[str]) -> SessionLanguage:
    """The language of the user's own words, or ``und`` when they are too few to tell."""
    votes: dict[str, float] = defaultdict(float)
    evidence = 0
    for text in user_texts:
        head = user_head(text)
        count = letters(head)
        if count < MIN_LETTERS:
            continue
        language, confidence = classify(head)
        votes[language] += confidence * count
        evidence += count
        if evidence >= ENOUGH_EVIDENCE:
            break
    if evidence >= MIN_EVIDENCE:
        best = max(sorted(votes), key=votes.__getitem__)
        return SessionLanguage(language=best, confidence=round(votes[best] / sum(votes.values()), 3))
    return SessionLanguage(language=UNDETERMINED, confidence=0.0)
