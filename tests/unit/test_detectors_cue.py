"""The multi-pattern pre-scan of the cues never changes what their regexes find."""

import re

import hyperscan
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undercurrent.detectors import agent_lexicon, lexicon, lexicon_i18n
from undercurrent.detectors.cue import SCANNER, AnyCue, Cue, Scanner
from undercurrent.detectors.widen import ASCII_FOLDS, Unsupported, widened

CUES = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}{suffix}": cue
    for module in (lexicon, lexicon_i18n, agent_lexicon)
    for name, value in vars(module).items()
    if isinstance(value, Cue | AnyCue)
    for suffix, cue in ([("", value)] if isinstance(value, Cue) else [(f"[{i}]", c) for i, c in enumerate(value.cues)])
}


def prefilter_finds(pattern: re.Pattern[str], text: str) -> bool:
    """Whether Hyperscan, given the widened expression alone, reports the text."""
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY
    database = hyperscan.Database()
    database.compile(
        expressions=[widened(pattern).encode()],
        ids=[0],
        elements=1,
        flags=[flags | (hyperscan.HS_FLAG_CASELESS if pattern.flags & re.IGNORECASE else 0)],
    )
    found: list[int] = []
    database.scan(text.translate(ASCII_FOLDS).encode(), match_event_handler=lambda *_: found.append(1))
    return bool(found)


# (pattern, text that re matches): the Unicode classes, case folding and constructs the rewrite widens.
MATCHED = [
    (r"\bi\s+must\s+(?:decline|refuse)\b", "I MUST\u00a0decline"),  # a no-break space is \s for re
    (r"\bi\s+must\b", "I muſt"),  # long s folds to s
    (r"\bthink\b", "THINK"),
    (r"\bkeep\b", "\u212aeep"),  # Kelvin sign folds to k
    (r"\bit\b", "\u0130t"),  # dotted capital I folds to i
    (r"\bis\b", "\u0131s"),  # dotless i folds to i
    (r"caf\u00e9\b", "CAF\u00c9"),
    (r"g[\u00e9e]nial", "G\u00c9NIAL"),
    (r"\u0442\u0430\u043a", "\u0422\u0410\u041a"),  # Cyrillic, case-folded by re
    (r"\w+\s+\d", "\u00e9t\u00e9\u2003\u0663"),  # Unicode letters, an em space, an Arabic-Indic digit
    (r"x\sy", "x\x1cy"),  # re counts the file separator as space
    (r"[^\W_]{3}", "\u00e9\u00e8\u00ea"),
    (r"[^\S]", "\u3000"),
    (r"[\w.\- ]{2,4}\?", "\u00e9\u00e9?"),
    (
        r"(?<!\bonce )\byour\s+order\s+has\s+been\s+booked",
        "once your order has been booked; your order has been booked",
    ),
    (r"(?<!^)(?<![.!]\s)\bcertainly\b(?!\s*[!,])", "It will certainly work"),
    (r"a{,2}b{2}c{1,}", "bbc"),
    (r"x{}", "x{}"),
    (r"(?P<word>ab)+\.$", "abab.\n"),
    (r"\u00e9t\u00e9\x41", "\u00c9T\u00c9a"),
    (r"^\W*(?:\u4e0d\u5bf9|\u9519\u4e86)", "\u2026\u4e0d\u5bf9"),
    (r"[^\n]{0,3}\u4e86", "\u4e0d\u5bf9\u4e86"),
    (r"(?:\u00bfest[a\u00e1]s)", "\u00bfEST\u00c1S"),
    (r"x[ -\u00ff]y", "x-y"),  # a range from ASCII into Latin-1
    (r"x[\u00e0-\u00ff]y", "x\u00e9y"),
]


@pytest.mark.parametrize(("pattern", "text"), MATCHED)
def test_the_widened_expression_finds_every_match_of_the_regex(pattern: str, text: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    assert compiled.search(text), "the case must be a match of re"
    assert prefilter_finds(compiled, text)


def test_case_sensitive_patterns_stay_case_sensitive() -> None:
    shouted = re.compile(r"\b(?:WRONG|STILL)\b")
    assert prefilter_finds(shouted, "STILL broken")
    assert not prefilter_finds(shouted, "still broken")


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?i)x", r"a*+", r"(a)?(?(1)b|c)", r"\N{BULLET}", r"(?x) a"])
def test_constructs_not_widened_are_refused(pattern: str) -> None:
    with pytest.raises(Unsupported):
        widened(re.compile(pattern))


def test_a_pattern_the_scan_cannot_take_runs_its_regex_everywhere() -> None:
    scanner = Scanner()
    cue = Cue(re.compile(r"(\w)\1"), scanner)
    assert cue.id in scanner.unscanned
    assert cue.search("a book").group(0) == "oo"


def test_a_text_that_is_not_utf8_skips_the_scan() -> None:
    scanner = Scanner()
    cue = Cue(re.compile(r"\bi\s+must\s+(?:decline|refuse)\b", re.IGNORECASE), scanner)
    text = "I must decline \ud800"
    assert scanner.candidates(text) is None
    assert cue.search(text).group(0) == "I must decline"


def test_sub_leaves_text_the_pattern_cannot_match_unchanged() -> None:
    cue = Cue(re.compile(r"^\W*sure\b\s*[!,.]", re.IGNORECASE), Scanner())
    assert cue.sub("", "Sure! Here it is", count=1) == " Here it is"
    assert cue.sub("", "Here it is") == "Here it is"


_WORDS = sorted(
    {w for cue in CUES.values() for w in re.findall(r"[^\W\d_]{2,}", cue.pattern.pattern)}
    | {"İ", "ı", "ſ", "\u212a", "É", "\u00a0", "\u3000", "\x1c", "…", "?"}
)
_TEXTS = st.lists(st.sampled_from(_WORDS) | st.sampled_from([" ", ", ", "! ", "\n", "?", "'"]), max_size=12).map(
    "".join
)


@pytest.fixture(scope="module")
def compiled() -> None:
    """The lexicons' database, compiled before Hypothesis times its examples."""
    SCANNER.database()


Span = tuple[int, int] | None


def _span(match: re.Match[str] | None) -> Span:
    return match and match.span()


def _disagreeing(spans: dict[str, tuple[Span, Span]]) -> dict[str, tuple[Span, Span]]:
    """The cues whose search found another span than their regex: (found, expected) by cue."""
    return {name: pair for name, pair in spans.items() if pair[0] != pair[1]}


# Every drawn text is checked against every cue: Hypothesis spends milliseconds drawing a text and
# microseconds on a cue, so one property over all cues gives each of them more examples (1,000 here,
# 250 below) than a property per cue would (100, 25) in a small part of the time.
@settings(deadline=None, max_examples=1000)
@given(_TEXTS)
def test_every_lexicon_cue_agrees_with_its_regex(compiled: None, text: str) -> None:
    spans = {name: (_span(cue.search(text)), _span(cue.pattern.search(text))) for name, cue in CUES.items()}
    assert not _disagreeing(spans)


def test_every_lexicon_pattern_is_prefiltered() -> None:
    assert not {cue.id for cue in CUES.values()} & SCANNER.unscanned


def test_any_cue_returns_the_first_cue_that_matches() -> None:
    scanner = Scanner()
    cue = AnyCue(Cue(re.compile(p, re.IGNORECASE), scanner) for p in (r"\bstill\s+broken\b", r"\bno\b"))
    assert cue.search("No, it is still broken").group(0) == "still broken"
    assert cue.search("no way").group(0) == "no"
    assert cue.search("fine") is None


@pytest.mark.parametrize(
    ("pattern", "head", "text", "head_safe"),
    [
        (r"\bsorry\b", "I am sorry", "I am sorry for that", True),
        (r"^\W*my\s+mistake\b", "My mistake", "My mistake, here it is", True),
        (r"\bsorry$", "I am sorry", "I am sorry for that", False),  # matches the head, not the text
        (r"\bsorry\b", "I am sorry", "Something else entirely", True),  # not a head of that text
    ],
)
def test_a_head_is_searched_as_search_would(pattern: str, head: str, text: str, head_safe: bool) -> None:
    cue = Cue(re.compile(pattern, re.IGNORECASE), Scanner())
    found, expected = cue.search_head(head, text), cue.pattern.search(head)
    assert cue.head_safe is head_safe
    assert (found and found.span()) == (expected and expected.span())


@settings(deadline=None, max_examples=250)
@given(_TEXTS, st.integers(min_value=0, max_value=60))
def test_every_lexicon_cue_finds_in_a_head_what_its_regex_finds(compiled: None, text: str, cut: int) -> None:
    head = text[:cut]
    spans = {name: (_span(cue.search_head(head, text)), _span(cue.pattern.search(head))) for name, cue in CUES.items()}
    assert not _disagreeing(spans)
