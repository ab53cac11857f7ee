"""Rendering for labellers, and the language of a conversation (what the sample is stratified by)."""

from __future__ import annotations

import pytest
from evaluation.language import conversation_language, own_words
from evaluation.render import render

from undercurrent.replay.conversation import Conversation


def test_every_turn_is_shown_whole_with_its_index_and_role() -> None:
    conversation = Conversation(
        id="abc_4",
        messages=(("assistant", "Here is part two."), ("user", "no, that is wrong\nagain"), ("assistant", "Sorry.")),
    )
    text = render(conversation, [(0, "abc_0"), (4, "abc_4"), (9, "abc_9")])
    assert "[0] ASSISTANT" in text and "[1] USER" in text and "[2] ASSISTANT" in text
    assert "no, that is wrong\nagain" in text
    assert "starts mid-conversation" in text and "earlier parts in the package: abc_0" in text
    assert "continues in later parts: abc_9" in text
    assert text.index("[0] ASSISTANT") < text.index("[1] USER") < text.index("[2] ASSISTANT")


def test_a_complete_conversation_says_it_ends_after_the_answer() -> None:
    text = render(Conversation(id="x_0", messages=(("user", "hi"), ("assistant", "Hello!"))), [(0, "x_0")])
    assert "starts mid-conversation" not in text
    assert "ends after the assistant's turn" in text


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("fix this ```x = 1``` please", "please", "x = 1"),
        ("see https://example.com/a?b=c now", "now", "example.com"),
        ("고쳐줘 지금 번역하기", "고쳐줘", "지금 번역하기"),
        ("Write a poem. Please write in English language.", "poem", "Please write"),
        ("call `foo()` here", "here", "foo()"),
    ],
)
def test_own_words_drop_code_links_and_extension_boilerplate(text: str, kept: str, dropped: str) -> None:
    cleaned = own_words(text)
    assert kept in cleaned and dropped not in cleaned


def conversation(*user_turns: str, answer: str = "Sure, here you go.") -> tuple[tuple[str, str], ...]:
    messages: list[tuple[str, str]] = []
    for text in user_turns:
        messages += [("user", text), ("assistant", answer)]
    return tuple(messages)


@pytest.mark.parametrize(
    ("messages", "language", "basis"),
    [
        (conversation("진화론의 증거를 설명해줘"), "ko", "user"),
        (conversation("金伯利岩 科马提岩什么关系"), "zh", "user"),
        (conversation("Necesito un ejemplo de prueba de una clase REST con junit y mockito, por favor"), "es", "user"),
        (conversation("Motivational quotes", answer="Here are some motivational quotes for you to enjoy today."), "en",
         "conversation"),
        (conversation("continue", answer="Saya akan melanjutkan cerita tentang perjalanan ke Bali kemarin."), "id",
         "conversation"),
        (conversation("Keep going further지금 번역하기", answer="The story goes on and the hero walks home."), "en",
         "conversation"),
        (conversation("ok", answer="42 + 1 = 43"), "und", "none"),
    ],
)  # fmt: skip
def test_conversation_language(messages: tuple, language: str, basis: str) -> None:
    guess = conversation_language(messages)
    assert (guess.language, guess.basis) == (language, basis)
