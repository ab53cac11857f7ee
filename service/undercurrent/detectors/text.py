"""Cheap, bounded text helpers shared by the detectors.

Every helper caps its input, so no detector does unbounded work on a long turn.

Text-window policy: detectors read an assistant answer through one bounded view, its
first ``head`` and last ``tail`` characters (``DetectorConfig.answer_head_chars`` and
``answer_tail_chars``), joined by a blank line so no sentence spans the cut. Openers
(refusals, disclaimers, the question asked) sit in the head; closers and the marks of a
cut-off answer (no final punctuation, a loop running to the end) sit in the tail. A
detector may read less than the view (an opening apology), never more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import repeat

from rapidfuzz import fuzz

from .cue import Cue
from .memo import text_memo

CAP = 4000  # a backstop above the default answer view; callers bound their text first
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
SENTENCE_BREAK = re.compile(r"\s(?:(?<=[.!?。！？]\s)\s*|(?<=\n)\n*)")
r"""Whitespace after a sentence's final mark, or a line break. Every break starts with whitespace, so the
pattern opens with ``\s`` and the lookbehinds after it say which: ``re`` skips to whitespace by the opening
class alone (a leading lookahead, ``(?=\s)``, is tried at every place)."""

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "about",
        "as",
        "into",
        "over",
        "under",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "i",
        "me",
        "my",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "him",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "please",
        "just",
        "also",
        "very",
        "really",
        "some",
        "any",
        "all",
        "no",
        "not",
        "than",
        "too",
        "more",
        "most",
        "other",
        "such",
        "own",
        "same",
        "only",
        "way",
        "thing",
        "things",
        "get",
        "got",
        "make",
        "want",
        "need",
        "like",
        "know",
        "tell",
        "give",
        "let",
        "s",
        "t",
        "ll",
        "re",
        "ve",
        "d",
        "m",
        "can't",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "aren't",
        "won't",
        "i'm",
        "it's",
        "that's",
        "what's",
        "you're",
        "let's",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "ok",
        "okay",
        "yes",
        "yeah",
        "one",
        "two",
        "using",
        "use",
    ]
)


@text_memo(max_entries=1024)
def fold(text: str) -> str:
    """Lower-cased text with the two letters that ``IGNORECASE`` folds to ASCII mapped (long s, dotless i); cached."""
    low = text.lower()
    return low if low.isascii() else low.replace("ſ", "s").replace("ı", "i")


def cap(text: str, limit: int = CAP) -> str:
    return text[:limit]


def separators_to_spaces(kept: str) -> bytes:
    """A ``bytes.translate`` table mapping every byte but ASCII letters, digits and ``kept`` to a space.

    Translating an ASCII text's bytes and splitting on spaces gives its runs of those characters, at a
    fraction of the cost of ``findall`` (and of ``str.translate``, which looks each character up in a dict).
    """
    return bytes(b if chr(b).isascii() and (chr(b).isalnum() or chr(b) in kept) else ord(" ") for b in range(256))


_WORD_BYTES = separators_to_spaces("'")


def words(text: str, limit: int = CAP) -> list[str]:
    """Lower-cased words (letters and digits, one apostrophe inside): ``_WORD``'s matches.

    An ASCII text is split on the characters no word holds instead, several times faster than the
    regex: each piece is a word unless it holds an apostrophe, and only such pieces go to the regex.
    """
    low = cap(text, limit).lower()
    if not low.isascii():
        return _WORD.findall(low)
    pieces = low.encode().translate(_WORD_BYTES).decode().split()
    if "'" not in low:
        return pieces
    found: list[str] = []
    for piece in pieces:
        if "'" in piece:
            found.extend(_WORD.findall(piece))
        else:
            found.append(piece)
    return found


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


_CACHED_WORD_CHARS = 32  # longer "words" (ids, base64, hostile input) are tokenised without caching them
_MAX_CACHED_WORDS = 65536
_TOKENS: dict[str, str] = {}
"""Each word's topic token, "" for a stopword or a single letter; emptied when full."""
_UNSEEN = "\x00"
"""What a word not yet in ``_TOKENS`` looks up to: no word holds a control character."""


def _token(word: str) -> str:
    token = "" if len(word) <= 1 or word in STOPWORDS else _stem(word)
    if len(word) <= _CACHED_WORD_CHARS:
        if len(_TOKENS) >= _MAX_CACHED_WORDS:
            _TOKENS.clear()
        _TOKENS[word] = token
    return token


def topic_tokens(text: str) -> frozenset[str]:
    """Stemmed words that carry topic: stopwords and one-letter tokens removed (``content_tokens`` uncached).

    For texts read once, such as the sentences of an answer whose claims are cached as a whole.
    """
    known = _TOKENS
    unique = set(words(text))
    tokens = set(map(known.get, unique, repeat(_UNSEEN)))
    if _UNSEEN in tokens:
        tokens.discard(_UNSEEN)
        tokens.update(_token(w) for w in unique if w not in known)
    tokens.discard("")
    return frozenset(tokens)


content_tokens = text_memo(max_entries=4096)(topic_tokens)
"""``topic_tokens``, cached: a session's detectors read the topic of the same turns many times."""


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str, limit: int = CAP) -> float:
    """Character-level similarity in 0..1 (rapidfuzz indel ratio on capped, lower-cased text)."""
    return fuzz.ratio(cap(a, limit).lower(), cap(b, limit).lower()) / 100.0


_CODE = Cue(re.compile(r"```|\bdef \w+\(|\bfunction \w+\(|\bimport \w+|#include|=>|\bconsole\.log\("))
"""A cue: the answers it reads are scanned for the lexicons anyway, so most texts skip the regex."""


def has_code(text: str) -> bool:
    """A code block or a line that only code has (a definition, an import, an arrow function)."""
    return bool(_CODE.search(text))


def strip_code(text: str) -> str:
    return _FENCE.sub(" ", cap(text, 20_000))


_CUT = "\n\n"


def head_tail(text: str, head: int, tail: int) -> str:
    """The first ``head`` and last ``tail`` characters of a longer text, the whole of a shorter one."""
    if len(text) <= head + tail:
        return text
    return text[:head] + _CUT + text[len(text) - tail :]


@text_memo(max_entries=256)
def prose(text: str, head: int, tail: int) -> str:
    """The head-and-tail view of the text with code blocks blanked; cached so a session's detectors share it.

    Code is blanked before the cut, so a fence split by the cut cannot hide the prose after it.
    """
    return head_tail(strip_code(text), head, tail)


def sentences(text: str, limit: int = CAP) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(cap(text, limit)) if s.strip()]


def iter_sentences(text: str) -> Iterator[str]:
    """``sentences(text, len(text))`` one at a time, for a reader that may stop early."""
    start = 0
    for brk in SENTENCE_BREAK.finditer(text):
        if sentence := text[start : brk.start()].strip():
            yield sentence
        start = brk.end()
    if sentence := text[start:].strip():
        yield sentence


def first_sentence(text: str) -> str:
    parts = sentences(text, 400)
    return parts[0] if parts else ""


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_DIGITS = re.compile(r"\d[\d ()+-]{5,}\d")


def excerpt(text: str, limit: int = 80) -> str:
    """A short single-line quote with e-mail addresses and long digit runs masked."""
    flat = " ".join(cap(text, limit * 4).split())
    flat = _DIGITS.sub("<num>", _EMAIL.sub("<email>", flat))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
