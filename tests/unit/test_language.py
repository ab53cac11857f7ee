"""The session language: identification from the user's words, the record field, bounded metric labels."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from undercurrent.config import Settings
from undercurrent.detectors.language import session_language
from undercurrent.detectors.registry import SIGNAL_NAMES
from undercurrent.ingest.detect import DetectorStage, LanguageStage
from undercurrent.metrics.definitions import DetectorMetrics, LanguageMetrics
from undercurrent.metrics.labels import LabelBounds, LanguageBounds
from undercurrent.records.session import session_record
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn


@pytest.mark.parametrize(
    ("user_texts", "language"),
    [
        (["Can you write a short cover letter for a junior data analyst position at a bank?"], "en"),
        (["서울에서 부산까지 기차로 얼마나 걸리나요?"], "ko"),
        (["请帮我把这段话翻译成英文，谢谢。"], "zh"),
        (["東京で一番おすすめのラーメン屋さんを教えてください。"], "ja"),
        (["¿Puedes explicarme cómo funciona la fotosíntesis en las plantas?"], "es"),
        (["Kannst du mir bitte erklären, wie eine Wärmepumpe im Winter funktioniert?"], "de"),
        (["Peux-tu m'aider à écrire un courriel poli pour annuler un rendez-vous demain ?"], "fr"),
        (["Какие книги ты посоветуешь прочитать летом?"], "ru"),
        # too little of the user's own words to tell
        (["continue"], "und"),
        (["hi", "ok", "next"], "und"),
        ([], "und"),
        (["```python\nprint('hello world, this is only code and nothing else at all')\n```"], "und"),
        (["https://example.com/a/very/long/link/that/is/not/words/at/all/really"], "und"),
        # a Korean instruction over pasted English material: the instruction's head decides
        (["다음 글을 한국어로 요약해 주세요. 핵심만 세 줄로.\n\n" + "The quarterly report shows revenue growth. " * 20],
         "ko"),
        # extension boilerplate is not the user's language
        (["What is the capital of Australia and why was it chosen over Sydney? 지금 번역하기"], "en"),
    ],
)
def test_session_language(user_texts, language):
    assert session_language(user_texts).language == language


def snapshot(feature: str, *user_texts: str) -> SessionSnapshot:
    turns = []
    for i, text in enumerate(user_texts):
        turns.append(TranscriptTurn(index=2 * i, role="user", text=text, ts_ms=1000 * i, event_id=f"u{i}"))
        turns.append(TranscriptTurn(index=2 * i + 1, role="assistant", text="…", ts_ms=1000 * i + 1, event_id=f"a{i}"))
    return SessionSnapshot(
        session_id="s", feature=feature, domain=None, user_id=None, turns=tuple(turns), behaviours=(),
        opened_ms=0, last_event_ms=1000 * len(user_texts), close_reason="idle",
    )


@pytest.mark.parametrize(
    ("value", "label"),
    [("en", "en"), ("ko", "ko"), ("it", "other"), ("xx-made-up", "other"), ("und", "und"), (None, "und")],
)
def test_language_labels_are_the_configured_list_other_and_und(value, label):
    assert LanguageBounds(["en", "ko"]).language(value) == label


def _series(registry: CollectorRegistry, name: str) -> set[tuple[tuple[str, str], ...]]:
    return {
        tuple(sorted(s.labels.items()))
        for metric in registry.collect()
        for s in metric.samples
        if s.name == name
    }


def test_language_series_exist_at_zero_and_their_number_is_bounded():
    """Any language a session turns out to be in adds no series beyond the configured list, other and und."""
    registry = CollectorRegistry()
    settings = Settings()
    bounds = LabelBounds(["writer", "search"])
    languages = LanguageBounds(settings.labels.languages)
    language_stage = LanguageStage(LanguageMetrics(registry), bounds, languages)
    detector_stage = DetectorStage(settings, DetectorMetrics(registry), bounds, languages)
    sessions_bound = 3 * (len(settings.labels.languages) + 2)  # writer, search, other × languages, other, und
    signals_bound = len(SIGNAL_NAMES) * (len(settings.labels.languages) + 2)
    before = (_series(registry, "undercurrent_language_sessions_total"),
              _series(registry, "undercurrent_language_signal_sessions_total"))
    assert (len(before[0]), len(before[1])) == (sessions_bound, signals_bound)

    for feature, text in [
        ("writer", "Scrivi una poesia sul mare d'inverno, per favore, con rime baciate."),  # it: not listed
        ("unlisted-feature", "Napisz mi proszę krótki wiersz o jesieni i deszczu za oknem."),  # pl
        ("search", "No, that is wrong. I asked for the population of Lyon, not of Paris, please fix it."),
        ("search", "ok"),
    ]:
        session = snapshot(feature, text)
        record = session_record(session, closed_at_ms=0)
        language_stage(session, record)
        detector_stage(session, record)
    after = (_series(registry, "undercurrent_language_sessions_total"),
             _series(registry, "undercurrent_language_signal_sessions_total"))
    assert after == before
    counted = {
        (s.labels["feature"], s.labels["language"]): s.value
        for metric in registry.collect() for s in metric.samples
        if s.name == "undercurrent_language_sessions_total" and s.value
    }
    assert counted == {("writer", "other"): 1.0, ("other", "other"): 1.0, ("search", "en"): 1.0, ("search", "und"): 1.0}


def test_the_record_carries_the_language_and_the_risk_model_version():
    registry = CollectorRegistry()
    bounds, languages = LabelBounds(["chat"]), LanguageBounds(["en", "ko"])
    session = snapshot("chat", "서울에서 부산까지 기차로 얼마나 걸리나요?")
    record = session_record(session, closed_at_ms=0)
    LanguageStage(LanguageMetrics(registry), bounds, languages)(session, record)
    stage = DetectorStage(Settings(), DetectorMetrics(registry), bounds, languages)
    stage(session, record)
    assert record.language == "ko"
    assert record.detectors.risk_model == stage.risk_model.version != ""
    assert registry.get_sample_value("undercurrent_risk_model_info", {"version": stage.risk_model.version}) == 1.0


def test_runtime_accuracy_counts_correct_undetermined_wrong_and_non_english():
    from evaluation.language_check import runtime_accuracy

    result = runtime_accuracy([("en", "en"), ("en", "und"), ("ko", "ko"), ("ko", "en"), ("und", "de"), ("fr", "fr")])
    assert (result.conversations, result.correct, result.undetermined, result.wrong) == (6, 3, 1, 2)
    assert result.non_english == (2, 3)
    assert result.confusions == {"en→und": 1, "ko→en": 1, "und→de": 1}
    assert result.correct_ci[0] < 0.5 < result.correct_ci[1]
