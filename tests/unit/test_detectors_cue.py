"""The literal pre-check of a cue never changes what the regex finds."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from undercurrent.detectors import lexicon, lexicon_i18n
from undercurrent.detectors.cue import AnyCue, Cue, required_literals

CUES = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}{suffix}": cue
    for module in (lexicon, lexicon_i18n)
    for name, value in vars(module).items()
    if isinstance(value, Cue | AnyCue)
    for suffix, cue in ([("", value)] if isinstance(value, Cue) else [(f"[{i}]", c) for i, c in enumerate(value.cues)])
}


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bi\s+must\s+(?:decline|refuse)\b", {"decline", "refuse"}),
        (r"(?:a|b)?xyz", {"xyz"}),
        (r"\bthat(?:'s| is)\s+wrong", {"that's", "that is"}),
        (r"foo|bar", {"foo", "bar"}),
        (r"WRONG", {"wrong"}),
        (r"\w+", None),
        (r"foo|\d+", None),
        (r"caf\u00e9", None),
        (r"(?:不对|错了)", {"不对", "错了"}),
        (r"아니\s?요", {"아니"}),
        (r"\uff21bc", None),  # a full-width letter has case
    ],
)
def test_required_literals(pattern, literals):
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert (set(found) if found else None) == literals


@pytest.mark.parametrize(
    "text",
    ["I MUST DECLINE.", "i must\tdecline", "I muſt decline", "I muST refuse", "nothing to see", ""],
)
def test_search_agrees_with_the_regex(text):
    cue = Cue(re.compile(r"\bi\s+must\s+(?:decline|refuse)\b", re.IGNORECASE))
    assert bool(cue.search(text)) == bool(cue.pattern.search(text))


def test_sub_leaves_text_without_literals_unchanged():
    cue = Cue(re.compile(r"^\W*sure\b\s*[!,.]", re.IGNORECASE))
    assert cue.sub("", "Sure! Here it is", count=1) == " Here it is"
    assert cue.sub("", "Here it is") == "Here it is"


_WORDS = sorted({w for cue in CUES.values() for s in cue.literals or () for w in s.split()} | {"İ", "ı", "ſ"})
_TEXTS = st.lists(st.sampled_from(_WORDS) | st.sampled_from([" ", ", ", "! ", "\n", "?"]), max_size=12).map("".join)


@given(_TEXTS)
@pytest.mark.parametrize("name", sorted(CUES))
def test_every_lexicon_cue_agrees_with_its_regex(name, text):
    cue = CUES[name]
    expected = cue.pattern.search(text)
    found = cue.search(text)
    assert (found and found.span()) == (expected and expected.span())


def test_any_cue_returns_the_first_cue_that_matches():
    cue = AnyCue(Cue(re.compile(p, re.IGNORECASE)) for p in (r"\bstill\s+broken\b", r"\bno\b"))
    assert cue.search("No, it is still broken").group(0) == "still broken"
    assert cue.search("no way").group(0) == "no"
    assert cue.search("fine") is None
