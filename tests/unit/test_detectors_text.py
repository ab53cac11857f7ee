"""The fast paths of the text helpers give exactly what the regular expressions they replace give."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undercurrent.detectors.text import _WORD, cap, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Hello, World!", ["hello", "world"]),
        ("don't stop", ["don't", "stop"]),
        ("'quoted' words", ["quoted", "words"]),
        ("rock'n'roll", ["rock'n", "roll"]),
        ("a''b", ["a", "b"]),
        ("snake_case and x2y", ["snake", "case", "and", "x2y"]),
        ("tabs\tand\nlines", ["tabs", "and", "lines"]),
        ("3.14 is pi", ["3", "14", "is", "pi"]),
        ("Ünïcode text café", ["ünïcode", "text", "café"]),
        ("Kelvin \u212a sign", ["kelvin", "k", "sign"]),
        ("中文 words", ["中文", "words"]),
    ],
)
def test_words_are_the_regex_matches_of_the_lower_cased_text(text: str, expected: list[str]) -> None:
    assert words(text) == expected
    assert words(text) == _WORD.findall(cap(text).lower())


@pytest.mark.parametrize(("text", "limit", "expected"), [("abc def", 5, ["abc", "d"]), ("it's", 3, ["it"])])
def test_words_read_only_the_first_limit_characters(text: str, limit: int, expected: list[str]) -> None:
    assert words(text, limit) == expected


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("ab Z9_'-.\n\té€")))
def test_words_match_the_regex_on_any_text(text: str) -> None:
    assert words(text) == _WORD.findall(text.lower())
