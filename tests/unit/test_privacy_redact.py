import pytest

from undercurrent.privacy.redact import Redactor

REDACT = Redactor()

CASES = [
    # (text, expected)
    ("mail me at jane.doe+work@example.co.uk please", "mail me at [EMAIL] please"),
    ("Schreiben Sie an jürgen.müller@beispiel.de.", "Schreiben Sie an [EMAIL]."),
    ("邮箱是 wang.wei@example.cn 谢谢", "邮箱是 [EMAIL] 谢谢"),
    ("card 4111 1111 1111 1111 exp 12/27", "card [CARD] exp 12/27"),
    ("carte 5500-0000-0000-0004 merci", "carte [CARD] merci"),
    ("amex 378282246310005", "amex [CARD]"),
    ("call 415-555-0132 now", "call [PHONE] now"),
    ("Ruf mich an: +49 30 1234567", "Ruf mich an: [PHONE]"),
    ("電話番号は +81 3-1234-5678 です", "電話番号は [PHONE] です"),
    ("ring 07911 123456 tonight", "ring [PHONE] tonight"),
    ("appelle-moi au 06 12 34 56 78 stp", "appelle-moi au [PHONE] stp"),
    ("key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv_wx", "key [API_KEY]"),
    ("export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx123", "export OPENAI_API_KEY=[API_KEY]"),
    ("aws AKIAIOSFODNN7EXAMPLE here", "aws [API_KEY] here"),
    ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "token [API_KEY]"),
    ("Authorization: Bearer abc.DEF-123_456~xyz", "Authorization: Bearer [TOKEN]"),
    (
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "jwt [TOKEN]",
    ),
    ("password: hunter2hunter2", "password: [SECRET]"),
    ("secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "secret [SECRET]"),
    ("blob Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbA==", "blob [SECRET]"),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN [IBAN] bitte"),
    ("pay GB82WEST12345698765432 now", "pay [IBAN] now"),
    ("virement FR14 2004 1010 0505 0001 3M02 606 OK MERCI", "virement [IBAN] OK MERCI"),
]

NEAR_MISSES = [
    "card 4111 1111 1111 1112 fails Luhn",
    "order 123456789 shipped on 2024-01-15",
    "ISBN 978-3-16-148410-0",
    "see docs/Getting-Started-With-The-Undercurrent-Service",
    "use version 1.2.3.4 of the library",
    "the function sk_learn_model_selection is fine",
    "email me @ the office",
    "a task-list-with-many-hyphenated-lowercase-words-in-it",
    "Größe 42, Preis 19,99 €",
    "it costs $1,234,567.89 in total",
    "GB82WEST12345698765433 fails the IBAN check",
    "ISO 9001 AND 14001 CERTIFIED",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts(text: str, expected: str) -> None:
    assert REDACT(text) == expected


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_leaves_near_misses_alone(text: str) -> None:
    assert REDACT(text) == text


def test_ips_are_kept_unless_asked() -> None:
    text = "server 192.168.10.4 and fe80::1ff:fe23:4567:890a"
    assert REDACT(text) == text
    assert Redactor(redact_ips=True)(text) == "server [IP] and [IP]"


def test_invalid_ip_is_not_redacted() -> None:
    assert Redactor(redact_ips=True)("value 999.1.1.1") == "value 999.1.1.1"


def test_extra_patterns_get_their_own_placeholder() -> None:
    redact = Redactor(extra_patterns={"employee_id": r"\bEMP-\d{6}\b"})
    assert redact("ticket from EMP-004211") == "ticket from [EMPLOYEE_ID]"


def test_phone_regions_are_configurable() -> None:
    assert Redactor(phone_regions=())("ring 07911 123456") == "ring 07911 123456"


def test_every_key_pattern_is_guarded_by_a_literal_prefix() -> None:
    from undercurrent.privacy.redact import _KEY_PREFIXES, _KEYS

    samples = {
        "TOKEN": "eyJhbGciOi.eyJzdWIiOiIx.abcdefghijklmn",
        "sk": "sk-ant-" + "a" * 24, "stripe": "rk_live_" + "A" * 16, "aws": "AKIA" + "B" * 16,
        "gh": "ghp_" + "c" * 30, "ghpat": "github_pat_" + "d" * 22, "slack": "xoxb-" + "1" * 10,
        "google": "AIza" + "e" * 35,
    }
    for sample in samples.values():
        assert any(p.search(sample) for _, p in _KEYS), sample
        assert any(prefix in sample for prefix in _KEY_PREFIXES), sample


def test_phone_numbers_split_by_text_are_each_found() -> None:
    from undercurrent.privacy.redact import Redactor

    text = "call +1 415-555-2671 or, in London, 020 7946 0958, from 9 to 5"
    assert Redactor()(text) == "call [PHONE] or, in London, [PHONE], from 9 to 5"
