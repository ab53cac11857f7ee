"""PII and secret redaction for text that leaves the process.

Each match is replaced by a typed placeholder such as ``[EMAIL]`` so the judge
still sees that something was there. Detection leans towards redacting: a
false positive costs the judge a little context, a false negative leaks data.

Phone numbers are found with ``phonenumbers`` (libphonenumber's rules, per
region, plus every ``+``-prefixed international number); payment cards must
pass the Luhn check (``stdnum.luhn``), IBANs their mod-97 check (``stdnum.iban``); IP addresses are validated with
``ipaddress`` and are only redacted when asked for.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping

import phonenumbers
from stdnum import iban, luhn

Redact = Callable[[str], str]
"""Any text redactor: a :class:`Redactor`, or the identity where nothing leaves the process."""

DEFAULT_PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "IN")

_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("TOKEN", r"\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]{10,}"),  # JWT
        ("API_KEY", r"\bsk-(?:ant-|proj-)?[\w-]{20,}"),  # Anthropic / OpenAI style
        ("API_KEY", r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}"),  # Stripe
        ("API_KEY", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),  # AWS access key id
        ("API_KEY", r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_\w{22,}"),  # GitHub
        ("API_KEY", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),  # Slack
        ("API_KEY", r"\bAIza[\w-]{35}"),  # Google
    )
)
# One pass for every fixed-format key, and only over text that holds one of the
# literal prefixes every such key starts with; the JWT alternative is named so it
# gets its own label.
_KEY_ANY = re.compile(
    "|".join(f"(?P<jwt>{p.pattern})" if label == "TOKEN" else f"(?:{p.pattern})" for label, p in _KEYS)
)
_KEY_PREFIXES = ("eyJ", "sk-", "k_live_", "k_test_", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
                 "github_pat_", "xox", "AIza")


def _key_step(text: str) -> str:
    if not any(prefix in text for prefix in _KEY_PREFIXES):
        return text
    return _KEY_ANY.sub(lambda m: "[TOKEN]" if m.lastgroup == "jwt" else "[API_KEY]", text)

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}")
_ASSIGNED = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)(\s*[:=]\s*)"
    r"(['\"]?)[^\s'\"]{6,}\3"
)
_HEX = re.compile(r"\b[0-9a-fA-F]{32,}\b")
_OPAQUE = re.compile(r"(?<![\w+-])[A-Za-z0-9+_-]{32,}={0,2}(?![\w+-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_IBAN_START = re.compile(r"\b[A-Z]{2}\d{2}")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

_MIN_OPAQUE_ENTROPY = 4.0  # bits per character; prose slugs stay below, random base64 sits near 5


class Redactor:
    """Callable that redacts one string; configure once, reuse everywhere."""

    def __init__(
        self,
        *,
        extra_patterns: Mapping[str, str] | None = None,
        phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS,
        redact_ips: bool = False,
    ) -> None:
        extra = [(label.upper(), re.compile(p)) for label, p in (extra_patterns or {}).items()]
        self._steps: list[Callable[[str], str]] = [
            *(_pattern_step(label, pattern) for label, pattern in extra),
            _key_step,
            lambda t: _BEARER.sub(r"\1 [TOKEN]", t),
            lambda t: _ASSIGNED.sub(r"\1\2[SECRET]", t),
            _pattern_step("SECRET", _HEX),
            _opaque_step,
            lambda t: _EMAIL.sub("[EMAIL]", t) if "@" in t else t,
            _iban_step,  # before cards: the digits of an IBAN may pass the Luhn check
            _card_step,
        ]
        if redact_ips:
            self._steps.append(_ip_step)
        self._steps.append(_phone_step(phone_regions))

    def __call__(self, text: str) -> str:
        for step in self._steps:
            text = step(text)
        return text


def _pattern_step(label: str, pattern: re.Pattern[str]) -> Callable[[str], str]:
    placeholder = f"[{label}]"
    return lambda text: pattern.sub(placeholder, text)


def _opaque_step(text: str) -> str:
    return _OPAQUE.sub(lambda m: "[SECRET]" if _looks_random(m.group()) else m.group(), text)


def _looks_random(token: str) -> bool:
    classes = (str.isupper, str.islower, str.isdigit)
    if not all(any(test(c) for c in token) for test in classes):
        return False
    counts = Counter(token)
    entropy = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    return entropy >= _MIN_OPAQUE_ENTROPY


def _card_step(text: str) -> str:
    if not _DIGIT_RUN.search(text):
        return text

    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group())
        return "[CARD]" if 13 <= len(digits) <= 19 and luhn.is_valid(digits) else match.group()

    return _CARD.sub(replace, text)


def _iban_step(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        # The pattern may run on into a following upper-case word ("... 0130 00 OK"): try the
        # match, then the match without its trailing space-separated groups.
        candidate = match.group()
        while len(candidate) >= 15:
            if iban.is_valid(candidate):
                return "[IBAN]" + match.group()[len(candidate):]
            candidate = candidate.rpartition(" ")[0]
        return match.group()

    return _IBAN.sub(replace, text) if _IBAN_START.search(text) else text


def _ip_step(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        try:
            ipaddress.ip_address(match.group())
        except ValueError:
            return match.group()
        return "[IP]"

    return _IPV6.sub(replace, _IPV4.sub(replace, text))


def _phone_step(regions: tuple[str, ...]) -> Callable[[str], str]:
    """libphonenumber's matcher is the slow part of redaction, so it only reads the
    stretches of text that could hold a number (digits and the separators numbers
    use), each with a little context on both sides."""

    def redact(text: str) -> str:
        if not _DIGIT_RUN.search(text):
            return text
        windows: list[list[int]] = []
        for candidate in _PHONE_CANDIDATE.finditer(text):
            if sum(c.isdigit() for c in candidate.group()) > MAX_PHONE_DIGITS:
                continue  # a run of numbers (a table, an id), longer than any dialable number
            start, end = max(0, candidate.start() - _CONTEXT), min(len(text), candidate.end() + _CONTEXT)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        pieces, last = [], 0
        for start, end in windows:
            pieces += [text[last:start], _match_phones(text[start:end], regions)]
            last = end
        return "".join([*pieces, text[last:]])

    return redact


def _match_phones(text: str, regions: tuple[str, ...]) -> str:
    for region in (*regions, "ZZ"):  # "ZZ": unknown region, so only +-prefixed numbers
        spans = [
            (m.start, m.end)
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
        ]
        for start, end in reversed(spans):
            text = text[:start] + "[PHONE]" + text[end:]
    return text


# No valid number in the supported regions has fewer digits than this, so text
# without such a run of digits (separators allowed) cannot hold one.
MIN_PHONE_DIGITS = 6
# E.164 allows 15 digits; a national trunk prefix and an extension may add a few.
MAX_PHONE_DIGITS = 20
_DIGIT_RUN = re.compile(rf"\d(?:[\s().\-/]{{0,3}}\d){{{MIN_PHONE_DIGITS - 1}}}")
_PHONE_CANDIDATE = re.compile(rf"\+?\(?\d(?:[\s().\-/]{{0,3}}\d){{{MIN_PHONE_DIGITS - 1},}}")
_CONTEXT = 12
