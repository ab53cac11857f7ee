"""A Hyperscan expression that matches at least every text a pattern of ``re`` matches.

Hyperscan compiles Unicode classes slowly (a minute for the lexicons) and lacks some of ``re``'s
constructs, so a cue's pattern is rewritten, from its source, into a wider expression for
Hyperscan's ASCII mode over UTF-8 text:

- ``\\w``, ``\\s``, ``\\d`` also match every non-ASCII character (``re``'s Unicode classes agree
  with the ASCII ones on ASCII; ``\\s`` also gets the separators U+001C-U+001F); ``\\W``, ``\\S``,
  ``\\D`` and ``.`` already match every non-ASCII character in Hyperscan.
- a non-ASCII letter with case matches every non-ASCII character (and any ASCII letter it folds
  to), since case folding beyond ASCII differs between the two;
- zero-width assertions other than ``^`` and ``$`` (``\\b``, lookarounds) are dropped, and so is
  the upper bound of a repeat (``{0,80}`` becomes ``{0,}``), which costs Hyperscan much to compile;
- a negated class is widened by every non-ASCII character when it holds ``\\W``, ``\\S`` or ``\\D``.

The four non-ASCII letters that ``IGNORECASE`` folds to ASCII ones (long s, Kelvin sign, dotted and
dotless i) are mapped to them in the scanned text (``ASCII_FOLDS``). Hyperscan's prefilter mode
widens whatever else it cannot match exactly. A construct not handled here (a backreference, an
inline flag, a conditional, a possessive quantifier) gives ``None``: the pattern is then not
prefiltered and its regex runs on every text.
"""

from __future__ import annotations

import re

NON_ASCII = r"\x{80}-\x{10FFFF}"
_IN_CLASS = {"w": r"\w" + NON_ASCII, "s": r"\s\x0b\x1c-\x1f" + NON_ASCII, "d": r"0-9" + NON_ASCII}
_NARROW_IN_NEGATED = frozenset("WSD")
_CHAR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_ASSERTIONS = frozenset("bBAZ")
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_BOUND = re.compile(r"\{(\d*)(,\d*)?\}(?<!\{\})")
"""A bounded repeat as ``re`` reads it: ``{,n}`` is ``{0,n}``, ``{}`` is literal text."""
ASCII_FOLDS = str.maketrans({"ſ": "s", "\u212a": "k", "ı": "i", "İ": "i"})  # long s, Kelvin sign, dotless i, dotted I
"""The non-ASCII letters ``re``'s ``IGNORECASE`` matches to ASCII letters; the scanned text maps them."""
_ASCII_LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]


class Unsupported(ValueError):
    """The pattern uses a construct the rewrite does not widen soundly."""


def _hex(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}"


def _cased(ch: str) -> bool:
    return ch.lower() != ch.upper()


def _letter(ch: str, caseless: bool) -> str:
    """Class items matching ``ch`` and more: a non-ASCII letter with case becomes every non-ASCII character."""
    if ch.isascii() or not _cased(ch):
        return _hex(ch)
    folds = [a for a in _ASCII_LETTERS if caseless and re.fullmatch(re.escape(ch), a, re.IGNORECASE)]
    return NON_ASCII + "".join(folds)


class _Reader:
    def __init__(self, source: str, caseless: bool) -> None:
        self.s = source
        self.i = 0
        self.caseless = caseless

    def escape(self) -> tuple[str, str]:
        """At a backslash: ("class", letter) for \\w-like, ("assert", letter), or ("char", character)."""
        self.i += 1
        if self.i >= len(self.s):
            raise Unsupported("trailing backslash")
        e = self.s[self.i]
        self.i += 1
        if e in "wsdWSD":
            return "class", e
        if e in _ASSERTIONS:
            return "assert", e
        if e in _CHAR_ESCAPES:
            return "char", _CHAR_ESCAPES[e]
        if e in _HEX_ESCAPES:
            digits = self.s[self.i : self.i + _HEX_ESCAPES[e]]
            if len(digits) != _HEX_ESCAPES[e] or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise Unsupported(f"\\{e}{digits}")
            self.i += len(digits)
            return "char", chr(int(digits, 16))
        if e.isalnum():
            raise Unsupported(f"\\{e}")
        return "char", e

    def char_class(self) -> str:
        """From after ``[``: the widened class, as a class or an alternation of two."""
        negated = self.s.startswith("^", self.i)
        self.i += negated
        items: list[str] = []
        narrow = False
        first = True
        while True:
            if self.i >= len(self.s):
                raise Unsupported("unterminated class")
            ch = self.s[self.i]
            if ch == "]" and not first:
                self.i += 1
                break
            first = False
            if ch == "\\":
                kind, value = self.escape()
                if kind == "assert":
                    raise Unsupported(f"\\{value} in a class")
                if kind == "class":
                    narrow |= value in _NARROW_IN_NEGATED
                    items.append(f"\\{value}" if negated or value in _NARROW_IN_NEGATED else _IN_CLASS[value])
                    continue
            else:
                value = ch
                self.i += 1
            if self.s.startswith("-", self.i) and not self.s.startswith("-]", self.i):
                self.i += 1
                high = self.s[self.i]
                if high == "\\":
                    kind, high = self.escape()
                    if kind != "char":
                        raise Unsupported("range to a class")
                else:
                    self.i += 1
                if not (value.isascii() and high.isascii()):
                    if negated:
                        raise Unsupported("non-ASCII range in a negated class")
                    items.append(f"{_hex(value)}-\\x7f{NON_ASCII}" if value.isascii() else NON_ASCII)
                    continue
                items.append(f"{_hex(value)}-{_hex(high)}")
                continue
            items.append(_hex(value) if negated else _letter(value, self.caseless))
        body = "".join(items)
        if not negated:
            return f"[{body}]"
        return f"(?:[^{body}]|[{NON_ASCII}])" if narrow else f"[^{body}]"

    def skip_group(self) -> None:
        """From ``(``: past the matching ``)``, minding escapes and classes."""
        depth = 0
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\":
                self.escape()
                continue
            if ch == "[":
                self.i += 1
                self.char_class()
                continue
            self.i += 1
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return
        raise Unsupported("unbalanced group")

    def group(self) -> str:
        """At ``(``: the opening to emit ("" for a lookaround, skipped whole)."""
        rest = self.s[self.i :]
        if rest.startswith(_LOOKAROUNDS):
            self.skip_group()
            return ""
        for opening in ("(?:", "(?>"):
            if rest.startswith(opening):
                self.i += len(opening)
                return "(?:"
        if rest.startswith("(?P<"):
            end = self.s.index(">", self.i)
            self.i = end + 1
            return "("
        if rest.startswith("(?"):
            raise Unsupported(rest[:4])
        self.i += 1
        return "("

    def expression(self) -> str:
        out: list[str] = []
        quantified = False  # the last token was a quantifier, so a "+" now would make it possessive
        while self.i < len(self.s):
            ch = self.s[self.i]
            was_quantified, quantified = quantified, False
            if ch == "\\":
                kind, value = self.escape()
                if kind == "class":
                    out.append(f"[{_IN_CLASS[value]}]" if value in _IN_CLASS else f"\\{value}")
                elif kind == "char":
                    out.append(self.literal(value))
            elif ch == "[":
                self.i += 1
                out.append(self.char_class())
            elif ch == "(":
                out.append(self.group())
            elif ch == "+" and was_quantified:
                raise Unsupported("possessive quantifier")
            elif ch == "{" and (bound := _BOUND.match(self.s, self.i)):
                out.append("{" + (bound[1] or "0") + ",}" if bound[2] else bound[0])
                self.i = bound.end()
                quantified = True
            elif ch in "*+?":
                out.append(ch)
                self.i += 1
                quantified = ch != "?" or not was_quantified
            elif ch in ")|^$.":
                out.append(ch)
                self.i += 1
            else:
                out.append(self.literal(ch))
                self.i += 1
        return "".join(out)

    def literal(self, ch: str) -> str:
        return _hex(ch) if ch.isascii() or not _cased(ch) else f"[{_letter(ch, self.caseless)}]"


def widened(pattern: re.Pattern[str]) -> str:
    """Hyperscan's expression for ``pattern`` (see the module); raises :class:`Unsupported`."""
    if pattern.flags & ~(re.IGNORECASE | re.UNICODE):
        raise Unsupported(f"flags {re.RegexFlag(pattern.flags)!r}")
    return _Reader(pattern.pattern, bool(pattern.flags & re.IGNORECASE)).expression()
