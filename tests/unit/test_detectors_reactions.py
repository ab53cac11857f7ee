"""What real users write after an answer, in the cue languages; refusals and cut-off answers."""

from __future__ import annotations

import msgspec
import pytest

from undercurrent.detectors.ai_side import refuses_or_declines
from undercurrent.detectors.malfunction import malfunction
from undercurrent.detectors.model import Context, DetectorConfig
from undercurrent.detectors.user_reactions import (
    asks_clarification,
    corrects_ai,
    expresses_dissatisfaction,
    positive_feedback,
    repeats_request,
)
from undercurrent.replay.conversation import Conversation
from undercurrent.replay.offline import conversation_snapshot
from undercurrent.sessions.model import Behaviour

CODE_ANSWER = "Use this:\n```python\nimport json\nprint(json.loads(text))\n```"
PROSE_ANSWER = "Paris is the capital of France and its largest city."


def _context(*messages: tuple[str, str]) -> Context:
    conversation = Conversation(id="c_0", messages=tuple(messages))  # type: ignore[arg-type]
    return Context(snapshot=conversation_snapshot(conversation), config=DetectorConfig())


def _correction_turns(answer: str, reply: str) -> list[int]:
    ctx = _context(("user", "Help me with this."), ("assistant", answer), ("user", reply))
    return [hit.turn for hit in corrects_ai(ctx)]


@pytest.mark.parametrize(
    "reply",
    [
        "No sir, let me clarify once again.",
        "This is not quite right. I want the title centred inside the header.",
        "that link did not work",
        "it doesnt work",
        "Are you sure it is the correct link?",
        "you sure this gives the right total?",
        "There is no Export option in the File menu.",
        "I can't see the settings tab anywhere",
        "The option doesn't exist in my version",
        "still getting the same error",
        "It's not what I meant, I need the exceptions to stay",
        "what I meant was a resolver, not a controller",
        "You've just ignored the fee table.",
        "The name must not contain the word clock.",
        "the sed command you wrote does not remove the colon",
        "Stop. Use the table before this.",
        "that's... what I just said",
        "The page still shows the old header after the change.",
        "the build is still failing",
        "it won't compile",
        "The button does not show up on the page",
        "I keep getting an error when I open the app",
        "You didn't include the shipping costs.",
        "As I said before, only five items.",
        "You're still using a for loop.",
        "You misspelled the name of the town.",
        "Nice try, but they weigh the same.",
        "Actually the meeting was on Tuesday.",
        "Really?",
        "I don't think that's correct.",
        # Spanish, Italian, Portuguese, French, German
        "no funciona",
        "sigue sin aparecer el texto",
        "tampoco existe la opcion Archivo",
        "¿Estás seguro de que es correcto?",
        "non funziona ancora",
        "não funcionou",
        "ça ne marche pas",
        "Ce n'est pas ce que je voulais.",
        "Das funktioniert immer noch nicht.",
        "Nein, ich meinte die andere Datei.",
        "Das stimmt nicht.",
        "Ich sehe keinen Export-Button.",
        "Te dije que en Python.",
        "Je ne vois pas le bouton.",
        # Korean, Chinese, Japanese
        "아니요, 그게 아니라 다음 페이지를 만들어 줘",
        "이건 아까랑 똑같은데요",
        "실행이 안 돼요",
        "不对，我要的是Python版本",
        "还是报错",
        "你确定吗？",
        "違います、Pythonで書いてください",
        "まだ動かないです",
        "本当ですか？",
        "找不到这个选项",
        "我说的是录屏软件",
        "표시가 안 보여요",
        "ボタンが表示されません",
        "여전히 안 돼요",
        "그런 옵션이 없는데요",
        "바꾸면 안 된다고 했잖아",
        "还是不行",
        "Pythonで書いてと言ったのに",
        "間違っています",
    ],
)
def test_corrections_are_found_after_an_answer(reply: str) -> None:
    assert _correction_turns(PROSE_ANSWER, reply) == [2]


@pytest.mark.parametrize(
    "reply",
    [
        "Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'name'",
        "TypeError: foundElements.getRange is not a function",
        "bash: ./build: No such file or directory",
        "this is returning an error",
        "오류가 나요",
        "报错了：找不到模块",
        "Es kommt eine Fehlermeldung.",
    ],
)
def test_an_error_pasted_after_code_is_a_correction(reply: str) -> None:
    assert _correction_turns(CODE_ANSWER, reply) == [2]


@pytest.mark.parametrize(
    "reply",
    [
        "/Users/me/App/BlackHole.swift:106:59 Binary operator '-' cannot be applied to two operands",
        'When I ran it:\n  File "main.py", line 21\n    urls = [https://example.com]',
        "Cannot convert undefined or null to object\n    at App (App.js:42:1)\n    at render (react-dom.js:16305:1)",
        "this.build = window['BUILD'] results in error TS7015: Element implicitly has an 'any' type",
        "src/main.rs:12:5: mismatched types",
    ],
)
def test_compiler_and_runtime_output_after_code_is_a_correction(reply: str) -> None:
    assert _correction_turns(CODE_ANSWER, reply) == [2]


@pytest.mark.parametrize(
    "reply",
    [
        "np.random.seed(42)\nmask = np.random.rand(10) < 0.1\nwhy is the mask empty?",
        "See section 2.3:4 of the manual, then summarise it.",
        "Add an error handler for the case where the file is missing.",
        "Here is the version 1.2:3 changelog, summarise it.",
    ],
)
def test_text_shaped_like_output_is_not_a_correction(reply: str) -> None:
    assert _correction_turns(CODE_ANSWER, reply) == []


def _later_reply_turns(reply: str, first_answer: str = CODE_ANSWER) -> list[int]:
    ctx = _context(
        ("user", "Write the script."),
        ("assistant", first_answer),
        ("user", "How do I run it?"),
        ("assistant", "Save it as app.py and run it with python from a terminal."),
        ("user", reply),
    )
    return [hit.turn for hit in corrects_ai(ctx)]


@pytest.mark.parametrize(
    ("reply", "turns"),
    [
        ("TypeError: pptx.addImageSlide is not a function\n at Object. (app.js:11:6)", [4]),
        ("Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'name'", [4]),
        ("-bash: getpage: command not found", [4]),
        ("Here is my own helper:\nif not ok:\n    raise ValueError: bad input\nwhat does it do?", []),
        ("In routes.js add three endpoints.\nOn a missing token, log 'AuthError: no token' and stop.", []),
    ],
)
def test_error_output_opening_a_reply_after_earlier_code_is_a_correction(reply: str, turns: list[int]) -> None:
    assert _later_reply_turns(reply) == turns


def test_error_output_without_any_code_answer_is_not_a_correction() -> None:
    assert _later_reply_turns("TypeError: x is not a function", first_answer=PROSE_ANSWER) == []


@pytest.mark.parametrize(
    "reply",
    [
        "No problem, thanks!",
        "Thanks, now write a poem about the sea.",
        "So the landing plan didn't work out, how did they get home?",
        "If it is not correct, explain why and give the right option.",
        "There is the section below. Can you fill it in?",
        "Can I still get an API key as a normal user?",
        "Great, that works. Now translate it to Spanish.",
        "다음 문장을 영어로 번역해 줘: 잘못된 부분을 찾아 줘",
        "谢谢，很有帮助！",
        "Merci, c'est parfait.",
        "Danke, das hilft sehr.",
        # common words of the cue languages that are not corrections
        "Corregir el texto: la agua esta fria.",
        "No es necesario que sea largo, escribe otro.",
        "No hay ningún problema, sigue así.",
        "Todavía no lo he probado, explícame el segundo paso.",
        "No está mal, ahora escribe la conclusión.",
        "¿Es correcto decir 'la agua'?",
        "Non è giusto che finisca così, scrivi un altro finale.",
        "Es geht nicht um Geld, sondern um Zeit. Schreib weiter.",
        "Gibt es keine einfachere Lösung?",
        "Je ne vois pas pourquoi il part. Continue l'histoire.",
        "번역할 때 고유명사를 바꾸면 안 돼",
        "오류가 있는지 확인해 줘",
        "여전히 중요한 문제입니다. 더 설명해 줘",
        "똑같이 만들어 줘",
        "질문이 없습니다",
        "영어 말고도 일본어로 번역해 줘",
        "이 문장이 문법적으로 맞나요?",
        "这个是不是这样写的？再解释一下",
        "如果文件不存在的话，就创建一个",
        "我没用过这个软件，请详细介绍",
        "还是有很多人喜欢这个城市，请继续写",
        "太阳是恒星，对吗？",
        "違う方法も教えてください",
        "彼は「行く」と言った。続きを書いて",
        "この文は文法的に正しいですか？",
        "Nein, danke.",
        "Non, merci.",
        "아니요, 괜찮아요",
        "不用了，谢谢",
    ],
)
def test_other_replies_are_not_corrections(reply: str) -> None:
    assert _correction_turns(PROSE_ANSWER, reply) == []


@pytest.mark.parametrize(
    ("question", "reply", "turns"),
    [
        ("Do you have any dietary restrictions?", "No, I can eat everything.", []),
        ("Did you contact support already?", "No. I didn't reach support.", []),
        ("Do you want me to go ahead with the refund to your card?", "No, wait, I'd rather have store credit.", [2]),
        ("The capital of Australia is Sydney.", "No, it's Canberra.", [2]),
    ],
)
def test_a_leading_no_answers_a_question_but_corrects_an_answer(question: str, reply: str, turns: list[int]) -> None:
    assert _correction_turns(question, reply) == turns


@pytest.mark.parametrize(
    "reply",
    [
        "Can you add error handling to this script?",
        "Is it better to log an error message and return null?",
        "Do not translate the code comments, please.",
        "请添加错误处理",
        "에러 처리를 추가해 줘",
        "エラー処理を追加してください",
    ],
)
def test_mentioning_errors_after_code_is_not_a_correction(reply: str) -> None:
    assert _correction_turns(CODE_ANSWER, reply) == []


def test_an_error_message_without_code_before_it_is_not_a_correction() -> None:
    assert _correction_turns(PROSE_ANSWER, "I get TypeError: x is undefined in my own app, why?") == []


def test_a_first_message_is_never_a_correction() -> None:
    assert [h.turn for h in corrects_ai(_context(("user", "No, it doesn't work. Help?")))] == []


def _malfunction(answer: str) -> list[str]:
    ctx = _context(("user", "Write it."), ("assistant", answer))
    return [hit.evidence for hit in malfunction(ctx)]


@pytest.mark.parametrize(
    ("answer", "evidence"),
    [
        ("\u200b", "empty answer"),
        ("Too many requests in 1 hour. Try again later.", "error message instead of an answer"),
        (
            "Here it is:\n```python\ndef load(path):\n    with open(path) as f:\n        return json.load(f\n```",
            "code block cut off",
        ),
        ("Here it is:\n```js\nfetch(url).then(r => {\n  show(r)\n```", "code block cut off"),
        (
            "I am a language model and I cannot write a melody for this poem. My main function is to",
            "ends mid-sentence",
        ),
        (
            "Plan:\n- Week 1: learn the shell and the file system in depth.\n- Learn how to use sudo to",
            "ends mid-sentence",
        ),
        (
            "Here are ideas for a party with your friends and family, all of them cheap and easy to prepare.\n"
            "1. Games night at home.\n2. Karaoke in the garden.\n3. Picnic by the lake.\n4. Cooking class.\n"
            "5. Film marathon.\n6. Quiz.\n7. Hike.\n\n8",
            "ends mid-sentence",
        ),
        (
            "발리는 건기와 우기가 있습니다. 여름 시즌은 가격이 비싸고 관광객이 많습니다.\n"
            "겨울 시즌은 가격이 저렴하고 관광객이 적습니다.\n\n겨울 시즌(12월에",
            "ends mid-sentence",
        ),
    ],
)
def test_cut_off_and_empty_answers_are_malfunctions(answer: str, evidence: str) -> None:
    found = _malfunction(answer)
    assert len(found) == 1 and found[0].startswith(evidence), found


@pytest.mark.parametrize(
    "answer",
    [
        "Here it is:\n```python\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n```",
        "Here it is:\n```js\nfetch(url).then((r) => {\n  show(r);\n});\n```\nThis prints the response.",
        "The capital of France is Paris (the largest city too).",
        "Sure! Here are three options:\n1. Red\n2. Green\n3. Blue",
        "我们可以从以下几个方面来考虑这个问题，首先是成本，其次是时间",
        "autumn moonlight\na worm digs silently\ninto the chestnut\npuddles hold the sky",
        "See you at the launch review on Friday; bring the checklist.\nThanks, Alex",
    ],
)
def test_complete_answers_are_not_malfunctions(answer: str) -> None:
    assert _malfunction(answer) == []


def _turns(fn, answer: str, reply: str | None = None) -> list[int]:  # type: ignore[no-untyped-def]
    messages: list[tuple[str, str]] = [("user", "Help me with this."), ("assistant", answer)]
    if reply is not None:
        messages.append(("user", reply))
    return [hit.turn for hit in fn(_context(*messages))]


@pytest.mark.parametrize(
    ("answer", "turns"),
    [
        ("I'm sorry but I am a language model and I don't have the capability to write a melody.", [1]),
        ("I apologize, but it's not possible for me to act as a web scraper.", [1]),
        ("Lo siento, pero como modelo de lenguaje, no puedo proporcionar esa información.", [1]),
        ("Mi dispiace, ma come modello di linguaggio non posso creare un programma.", [1]),
        ("Je suis désolé, mais je ne peux pas vous aider avec cela.", [1]),
        ("Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.", [1]),
        ("죄송하지만 그 요청은 도와드릴 수 없습니다.", [1]),
        ("抱歉，我无法提供这方面的信息。", [1]),
        ("申し訳ありませんが、その質問にはお答えできません。", [1]),
        ("Lo siento por la demora. Aquí está el código completo.", []),
        ("Sure, here is the translation you asked for.", []),
    ],
)
def test_refusals_in_the_cue_languages(answer: str, turns: list[int]) -> None:
    assert _turns(refuses_or_declines, answer) == turns


@pytest.mark.parametrize(
    ("reply", "turns"),
    [
        ("¡Perfecto! Ahora tradúcelo al inglés.", [2]),
        ("Merci, c'est parfait.", [2]),
        ("Perfekt, genau so.", [2]),
        ("완벽해요!", [2]),
        ("太好了，谢谢！", [2]),
        ("完璧です！", [2]),
        ("Perfecto, pero falta el último paso.", []),
        ("Perfekt, aber das funktioniert nicht.", []),
        ("좋아요, 하지만 너무 길어요", []),
    ],
)
def test_approval_in_the_cue_languages(reply: str, turns: list[int]) -> None:
    assert _turns(positive_feedback, PROSE_ANSWER, reply) == turns


@pytest.mark.parametrize(
    ("reply", "turns"),
    [
        ("No me gusta, es demasiado largo.", [2]),
        ("C'est trop long.", [2]),
        ("Das gefällt mir nicht.", [2]),
        ("별로네요.", [2]),
        ("太长了。", [2]),
        ("長すぎます。", [2]),
        ("Me gusta mucho, gracias.", []),
    ],
)
def test_dissatisfaction_in_the_cue_languages(reply: str, turns: list[int]) -> None:
    assert _turns(expresses_dissatisfaction, PROSE_ANSWER, reply) == turns


def test_an_answer_the_user_stopped_is_not_a_malfunction() -> None:
    cut = "The history of the apple goes back thousands of years to the mountains of Central Asia, where the"
    snapshot = _context(("user", "Tell me about apples."), ("assistant", cut)).snapshot
    stopped = msgspec.structs.replace(
        snapshot, behaviours=(Behaviour(type="stop_generation", ts_ms=snapshot.turns[-1].ts_ms + 1, event_id="b"),)
    )
    assert [h.turn for h in malfunction(Context(snapshot=snapshot, config=DetectorConfig()))] == [1]
    assert list(malfunction(Context(snapshot=stopped, config=DetectorConfig()))) == []


@pytest.mark.parametrize(
    ("reply", "turns"),
    [
        ("Why did you use a set here?", [2]),
        ("How did you get the anomaly coordinates?", [2]),
        ("Where do I find the config file?", [2]),
        ("Which data did you use for the growth rate?", [2]),
        ('Explain this: "the config file holds the growth rate"', [2]),
        ("Where do I find a good bakery in Lyon?", []),  # a new question: nothing in common with the answer
    ],
)
def test_questions_about_the_answer_are_clarifications(reply: str, turns: list[int]) -> None:
    answer = "Load the config file with a set of keys, then compute the growth rate from the anomaly coordinates."
    assert _turns(asks_clarification, answer, reply) == turns


def test_a_fixed_template_with_a_new_question_at_the_end_is_not_a_repeat() -> None:
    template = "I am preparing for an exam. For each question, give the answer and explain why. " * 8
    first, second = template + "Question 1: what is HL7?", template + "Question 2: what does a CMIO do all day?"
    ctx = _context(("user", first), ("assistant", "HL7 is a messaging standard."), ("user", second))
    assert list(repeats_request(ctx)) == []
    again = _context(("user", first), ("assistant", "HL7 is a messaging standard."), ("user", first))
    assert [h.turn for h in repeats_request(again)] == [2]


def test_asking_for_another_one_is_not_a_repeat() -> None:
    ctx = _context(
        ("user", "give me a python challenge"),
        ("assistant", "Reverse a list."),
        ("user", "give me another python challenge"),
    )
    assert list(repeats_request(ctx)) == []
