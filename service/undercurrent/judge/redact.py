"""PII and secret redaction for text that leaves the process.

Each match is replaced by a typed placeholder such as ``[EMAIL]`` so the judge
still sees that something was there. Detection leans towards redacting: a
false positive costs the judge a little context, a false negative leaks data.

Phone numbers are found with ``phonenumbers`` (libphonenumber's rules, per
region, plus every ``+``-prefixed international number); payment cards must
pass the Luhn check (``stdnum.luhn``); IP addresses are validated with
``ipaddress`` and are only redacted when asked for.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping

import phonenumbers
from stdnum import luhn

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
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[\w.~+/=-]{8,}")
_ASSIGNED = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)(\s*[:=]\s*)"
    r"(['\"]?)[^\s'\"]{6,}\3"
)
_HEX = re.compile(r"\b[0-9a-fA-F]{32,}\b")
_OPAQUE = re.compile(r"(?<![\w+-])[A-Za-z0-9+_-]{32,}={0,2}(?![\w+-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
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
            *(_pattern_step(label, pattern) for label, pattern in _KEYS),
            lambda t: _BEARER.sub(r"\1 [TOKEN]", t),
            lambda t: _ASSIGNED.sub(r"\1\2[SECRET]", t),
            _pattern_step("SECRET", _HEX),
            _opaque_step,
            _pattern_step("EMAIL", _EMAIL),
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
    def replace(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group())
        return "[CARD]" if 13 <= len(digits) <= 19 and luhn.is_valid(digits) else match.group()

    return _CARD.sub(replace, text)


def _ip_step(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        try:
            ipaddress.ip_address(match.group())
        except ValueError:
            return match.group()
        return "[IP]"

    return _IPV6.sub(replace, _IPV4.sub(replace, text))


def _phone_step(regions: tuple[str, ...]) -> Callable[[str], str]:
    def redact(text: str) -> str:
        for region in (*regions, "ZZ"):  # "ZZ": unknown region, so only +-prefixed numbers
            spans = [
                (m.start, m.end)
                for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
            ]
            for start, end in reversed(spans):
                text = text[:start] + "[PHONE]" + text[end:]
        return text

    return redact
