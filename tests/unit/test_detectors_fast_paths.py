"""The fast paths of the detectors give exactly what the regular expressions they replace give."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undercurrent.detectors.cue import Cue, Scanner
from undercurrent.detectors.domain import _KEYWORD, _VERTICAL_OF_GROUP, _keyword_pattern
from undercurrent.detectors.factors import _NUMBER, _has_code
from undercurrent.detectors.malfunction import _word_run
from undercurrent.detectors.text import _WORD, SENTENCE_BREAK, cap, iter_sentences, sentences, words


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


WORD_LOOP = re.compile(r"\b(\w{2,}+)(?:\W+\1\b){5,}", re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "loop"),
    [
        ("", None),
        ("go go go go go go", "go go go go go go"),
        ("go go go go go", None),
        ("Go, go; GO go\tgo!go", "Go, go; GO go\tgo!go"),
        ("a a a a a a a", None),
        ("we go go go go go going", None),
        ("x_1 x_1 x_1 x_1 x_1 x_1", "x_1 x_1 x_1 x_1 x_1 x_1"),
        ("é é é é é é ok ok ok ok ok ok", "ok ok ok ok ok ok"),
        ("the the end", None),
    ],
)
def test_word_run_is_the_loop_regex_match(text: str, loop: str | None) -> None:
    found = _word_run(text)
    assert (found.group(0) if found else None) == loop
    expected = WORD_LOOP.search(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["ab", "aB", " ", ", ", "_", "a", "ab "]), max_size=20).map("".join))
def test_word_run_matches_the_regex_on_any_text(text: str) -> None:
    found, expected = _word_run(text), WORD_LOOP.search(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)


OLD_NUMBER = re.compile(r"(?=[$€£\d])(?<![\w.])[$€£]?\d[\d,]*(?:\.\d+)?%?(?!\w|\.\d)")
OLD_CODE = re.compile(r"(?=[`\s])(?:```|^\s{4}\S.*[;{}()=]\s*$)", re.M)


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("no figures", []),
        ("costs $5 or €1,200.50 and 15%", ["$5", "€1,200.50", "15%"]),
        ("a$5 v1.2 x3 3.14.15", ["5"]),
        ("$ 5 and $$7", ["5", "$7"]),
        ("2024. 7", ["2024", "7"]),
    ],
)
def test_figures_are_those_of_the_lookahead_pattern(text: str, figures: list[str]) -> None:
    assert _NUMBER.findall(text) == figures == OLD_NUMBER.findall(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("plain prose", False),
        ("see ```x```", True),
        ("    x = 1;", True),
        ("intro\n    call(x)\nafter", True),
        ("intro\n\n\n\n\nf(x)", True),
        ("intro\n    just indented prose", False),
        ("intro     x = 1;", False),
    ],
)
def test_code_is_what_the_multiline_pattern_finds(text: str, code: bool) -> None:
    assert _has_code(text) is code is bool(OLD_CODE.search(text))


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("12$€£.,%a_ \n`;{(=\t")))
def test_figures_and_code_match_the_old_patterns_on_any_text(text: str) -> None:
    assert _NUMBER.findall(text) == OLD_NUMBER.findall(text)
    assert _has_code(text) is bool(OLD_CODE.search(text))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "python code with a bug",
            [("python", "software_development"), ("code", "software_development"), ("bug", "software_development")],
        ),
        ("pythonic", []),
        ("compiler and compile", [("compiler", "software_development"), ("compile", "software_development")]),
        ("my tax returns and taxes", [("tax", "finance_accounting"), ("taxes", "finance_accounting")]),
        ("a story about a server", [("story", "creative_writing"), ("server", "it_infrastructure")]),
        ("e-commerce and ecommerce", [("e-commerce", "ecommerce_retail"), ("ecommerce", "ecommerce_retail")]),
    ],
)
def test_domain_keywords_name_their_vertical(text: str, found: list[tuple[str, str]]) -> None:
    assert [(m.group(0), _VERTICAL_OF_GROUP[m.lastgroup or ""]) for m in _KEYWORD.finditer(text)] == found


@pytest.mark.parametrize("keyword", ["a", "a?b", "-x", "x*"])
def test_domain_keywords_open_with_a_plain_letter_or_digit(keyword: str) -> None:
    with pytest.raises(ValueError, match="opens with no plain letter or digit"):
        _keyword_pattern({"v": keyword})


OLD_SENTENCE_BREAK = re.compile(r"(?=\s)(?:(?<=[.!?。！？])\s+|\n+)")


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        ("line\n\nnext line", ["line", "next line"]),
        ("e.g.this stays", ["e.g.this stays"]),
        ("日本。 次\t行", ["日本。", "次\t行"]),
        ("end.  \n  more", ["end.", "more"]),
        ("a \nb", ["a ", "b"]),
    ],
)
def test_sentence_breaks_split_where_the_lookahead_pattern_did(text: str, pieces: list[str]) -> None:
    assert SENTENCE_BREAK.split(text) == pieces == OLD_SENTENCE_BREAK.split(text)


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("a.!?。 \n\t\u2028\x1c")))
def test_sentence_breaks_match_the_lookahead_pattern_on_any_text(text: str) -> None:
    assert SENTENCE_BREAK.split(text) == OLD_SENTENCE_BREAK.split(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "One. Two!  Three?\n\nFour", "no break at all", " lead. trail \n", "a.\n\n\n b. \t c"],
)
def test_sentences_one_at_a_time_are_the_split_sentences(text: str) -> None:
    assert list(iter_sentences(text)) == sentences(text, len(text))


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("a b.!?。\n\t\u2028")))
def test_sentences_one_at_a_time_match_on_any_text(text: str) -> None:
    assert list(iter_sentences(text)) == sentences(text, len(text))


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("OK", "\u00e9 OK"),  # a capital K in a text that is not ASCII stays a capital for a case-sensitive cue
        ("(?i)ok", "\u00e9 o\u212a"),  # the Kelvin sign folds to k for a caseless one
    ],
)
def test_the_scan_of_a_text_with_folded_letters_finds_what_re_finds(pattern: str, text: str) -> None:
    compiled = re.compile(pattern.removeprefix("(?i)"), re.IGNORECASE if pattern.startswith("(?i)") else 0)
    cue = Cue(compiled, scanner=Scanner())
    found = cue.search(text)
    assert found is not None
    assert found.span() == compiled.search(text).span()  # type: ignore[union-attr]
