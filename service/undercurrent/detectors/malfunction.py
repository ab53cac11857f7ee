"""ai_malfunction: mechanical defects in an assistant turn (truncation, loops, garbled text).

Language-independent except the unterminated-prose check, which only applies to text
written in a script that ends sentences with punctuation.

Loops and garbling are looked for in the answer view (head and tail); the marks of a
cut-off answer (fence parity, the last line) are read from the whole text, whose end the
view might not show as it is. Both are cheap: a count and a look at the last line.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from itertools import islice

from .behaviour import stopped_turns
from .model import Context, Hit
from .text import SENTENCE_BREAK, excerpt, separators_to_spaces, strip_code
from .turns import chat_turns

_LOOP_MIN_WORDS = 5
_LOOP_REPEATS = 3
_LOOP_WORDS = 6
_WORD_RUN = re.compile(rf"\b(\w{{2,}}+)(?:\W+\1\b){{{_LOOP_WORDS - 1},}}", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # category Cc except \t \n \r
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf©¨§ ]|â€[™œ\x9d“”˜]|ï¿½")
_LIST_OR_HEADING = re.compile(r"^\s*(?:[-*+#>|]|\d+[.)]|\w[.)]\s)")
_TERMINAL = set(".!?。！？…:;)]}\"'`»”’*")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]*")
_SERVICE_ERROR = re.compile(
    r"^\W*(?:too\s+many\s+requests\s+in\s+1\s+hour|an\s+error\s+occurred|network\s+error|something\s+went\s+wrong|"
    r"hmm\.*\s*something\s+seems\s+to\s+have\s+gone\s+wrong)\b",
    re.IGNORECASE,
)
_DANGLING_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "for",
        "and",
        "or",
        "with",
        "that",
        "which",
        "in",
        "on",
        "by",
        "is",
        "are",
        "be",
        "can",
        "will",
        "your",
        "their",
        "its",
        "this",
        "from",
        "as",
        "at",
        "than",
        "but",
        "into",
        "such",
        "if",
        "when",
        "while",
    ]
)
_OPEN, _CLOSE = "([{", ")]}"
_MIN_SHORT, _MIN_PROSE = 60, 200
_LIST_NUMBER = re.compile(r"\s*\d+[.)]?")
_CODE_OPENER = tuple(":,([{=+-*/\\&|.")


def malfunction(ctx: Context) -> Iterator[Hit]:
    """Every defective answer; one the user stopped is cut off on purpose and is judged by its loops only."""
    stopped = stopped_turns(ctx.snapshot)
    for turn in chat_turns(ctx.snapshot):
        if turn.role != "assistant":
            continue
        reason = _defect(turn.text, ctx.config.answer(turn.text), turn.finish_reason, turn.index in stopped)
        if reason:
            yield Hit(turn.index, reason[0], reason[1])


def _defect(text: str, body: str, finish_reason: str | None, stopped: bool = False) -> tuple[float, str] | None:
    if finish_reason == "length":
        return 1.0, "finish_reason=length"
    if _INVISIBLE.fullmatch(text):
        return 0.9, "empty answer"
    if _SERVICE_ERROR.match(text[:200]):
        return 0.9, f'error message instead of an answer: "{excerpt(text, 50)}"'
    if not stopped and text.count("```") % 2 == 1:
        return 0.9, "unbalanced code fence"
    if not stopped and _code_cut_off(text):
        return 0.7, f'code block cut off: "…{excerpt(_last_code_line(text), 40)}"'
    if loop := _looped_sentence(body):
        return 0.9, f'repeated {_LOOP_REPEATS}+ times: "{excerpt(loop, 50)}"'
    if m := _word_run(body):
        return 0.9, f"word loop {excerpt(m.group(0), 40)!r}"
    if garbled := _garbled(body):
        return 0.8, garbled
    if not stopped and _unterminated(text):
        return 0.6, f'ends mid-sentence: "…{excerpt(text.rstrip()[-40:], 40)}"'
    return None


def _looped_sentence(text: str) -> str | None:
    pieces = SENTENCE_BREAK.split(strip_code(text).lower())
    counts = Counter(map(" ".join, map(str.split, pieces)))  # whitespace collapsed, without a loop in Python
    repeated = (
        p
        for p, n in counts.items()
        if n >= _LOOP_REPEATS and len(p.split()) >= _LOOP_MIN_WORDS and not _LIST_OR_HEADING.match(p)
    )
    return next(repeated, None)


_SAME_AS_NEXT = b"\x01"
_WORD_CHAR_BYTES = separators_to_spaces("_")


def _word_run(text: str) -> re.Match[str] | None:
    r"""``_WORD_RUN.search``; an ASCII text goes to the regex only if six of its words in a row are the same.

    A loop is a word followed five times by itself, so an ASCII text without six equal lower-cased words
    (``\w`` runs) in a row has none; splitting it on the other characters costs a fraction of the search.
    """
    if text.isascii():
        runs = text.lower().encode().translate(_WORD_CHAR_BYTES).split()
        if _SAME_AS_NEXT * (_LOOP_WORDS - 1) not in bytes(map(operator.eq, runs, islice(runs, 1, None))):
            return None
    return _WORD_RUN.search(text)


def _garbled(text: str) -> str | None:
    if not text:
        return None
    bad = text.count("\ufffd") + len(_CONTROL.findall(text))
    if bad >= 3 and bad / len(text) > 0.005:
        return f"{bad} replacement/control characters"
    if len(_MOJIBAKE.findall(text)) >= 3:
        return "mojibake (mis-decoded UTF-8)"
    return None


def _last_code_line(text: str) -> str:
    block = text.rstrip()[: -len("```")].rstrip()
    return block.rsplit("\n", 1)[-1]


def _code_cut_off(text: str) -> bool:
    """An answer that ends with a closed code block whose code stops mid-statement.

    Shared conversations close the fence of an answer that was cut off inside code, so the fence
    is balanced; the code is not: brackets left open, or a last line that ends on an opener.
    """
    stripped = text.rstrip()
    if not stripped.endswith("```") or stripped.count("```") < 2:
        return False
    block = stripped[: -len("```")]
    code = block[block.rfind("```") + 3 :]
    depth = sum(code.count(c) for c in _OPEN) - sum(code.count(c) for c in _CLOSE)
    last = code.rstrip().rsplit("\n", 1)[-1].strip()
    return depth > 0 or (bool(last) and last.endswith(_CODE_OPENER) and not last.startswith(("#", "//")))


def _unterminated(text: str) -> bool:
    """Prose whose last line stops in the middle of a sentence (no closing punctuation).

    Short answers (a poem, a one-line command, a signed note) often end without punctuation, so
    below ``_MIN_PROSE`` characters only the unmistakable marks count: an unclosed parenthesis or
    a last word that cannot end a sentence.
    """
    stripped = text.rstrip()
    if len(stripped) < _MIN_SHORT or stripped.count("```") % 2 == 1 or stripped.endswith("```"):
        return False
    last_line = stripped.rsplit("\n", 1)[-1]
    words = last_line.split()
    dangling = len(words) >= 4 and words[-1].lower() in _DANGLING_WORDS
    if last_line.count("(") > last_line.count(")") or dangling:
        return True
    if len(stripped) < _MIN_PROSE:
        return False
    if _LIST_NUMBER.fullmatch(last_line):
        return True  # a list cut after its next number
    if _LIST_OR_HEADING.match(last_line) or len(words) < 6:
        return False
    last = stripped[-1]
    if "/" in last_line.rsplit(maxsplit=1)[-1]:
        return False
    if last in _TERMINAL or not (last.isalnum() or last == ","):
        return False
    return _ends_in_spaced_script(last)


def _ends_in_spaced_script(char: str) -> bool:
    """Scripts such as Chinese or Japanese often end lines without punctuation, so they are skipped."""
    if char.isdigit() or char == ",":
        return True
    name = unicodedata.name(char, "")
    return name.startswith(("LATIN", "CYRILLIC", "GREEK"))
