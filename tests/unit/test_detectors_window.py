import pytest

from undercurrent.detectors.malfunction import _defect
from undercurrent.detectors.model import DetectorConfig
from undercurrent.detectors.text import head_tail, prose

CONFIG = DetectorConfig(answer_head_chars=10, answer_tail_chars=5)
FILLER = "".join(f"Sentence number {i} has some plain words. " for i in range(400))


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("", ""),
        ("short text", "short text"),
        ("0123456789abcde", "0123456789abcde"),
        ("0123456789-middle-abcde", "0123456789\n\nabcde"),
    ],
)
def test_answer_view_keeps_head_and_tail(text, view):
    assert CONFIG.answer(text) == view


def test_code_is_blanked_before_the_cut():
    text = "Intro " + "```\n" + "x = 1\n" * 50 + "```\nClosing question for you?"
    assert prose(text, 10, 30).endswith("Closing question for you?")
    assert "x = 1" not in prose(text, 10, 30)


def test_long_answer_cut_mid_sentence_is_judged_on_its_real_end():
    text = FILLER + "and then the answer stops in the middle of the"
    assert _defect(text, head_tail(text, 1500, 500), None) is not None


def test_unbalanced_fence_outside_the_view_is_found():
    text = "```python\nprint(1)\n" + FILLER + "still inside the code block."
    reason = _defect(text, head_tail(text, 1500, 500), None)
    assert reason is not None and reason[1] == "unbalanced code fence"


def test_complete_long_answer_is_not_a_malfunction():
    assert _defect(FILLER, head_tail(FILLER, 1500, 500), None) is None
