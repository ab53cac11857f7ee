import pytest
import typer
from typer.testing import CliRunner

from undercurrent.cli import web
from undercurrent.cli.web import AuthSetupError, resolve_token
from undercurrent.web.auth import Access, check, cookie_value

TOKEN = "s3cret-token-long-enough"


@pytest.mark.parametrize(
    "token, authorization, cookie, query, expected",
    [
        (None, None, None, None, Access.ALLOW),
        (TOKEN, None, None, None, Access.DENY),
        (TOKEN, f"Bearer {TOKEN}", None, None, Access.ALLOW),
        (TOKEN, f"bearer {TOKEN}", None, None, Access.ALLOW),
        (TOKEN, "Bearer other", None, None, Access.DENY),
        (TOKEN, f"Basic {TOKEN}", None, None, Access.DENY),
        (TOKEN, None, cookie_value(TOKEN), None, Access.ALLOW),
        (TOKEN, None, TOKEN, None, Access.DENY),  # the cookie holds a MAC, never the token
        (TOKEN, None, cookie_value("other-token-long-enough"), None, Access.DENY),
        (TOKEN, None, None, TOKEN, Access.ALLOW_FROM_QUERY),
        (TOKEN, None, None, TOKEN + "x", Access.DENY),
        (TOKEN, "Bearer wrong", None, TOKEN, Access.ALLOW_FROM_QUERY),
        (TOKEN, None, None, "tökén", Access.DENY),
    ],
)
def test_check(
    token: str | None, authorization: str | None, cookie: str | None, query: str | None, expected: Access
) -> None:
    assert check(token, authorization=authorization, cookie=cookie, query=query) is expected


@pytest.mark.parametrize(
    "token, insecure, expected",
    [(TOKEN, False, TOKEN), (None, True, None), ("", True, None)],
)
def test_resolve_token(token: str | None, insecure: bool, expected: str | None) -> None:
    assert resolve_token(token, insecure) == expected


@pytest.mark.parametrize(
    "token, insecure, message",
    [
        (None, False, "refusing to start without a token"),
        ("", False, "refusing to start without a token"),
        (TOKEN, True, "cannot be combined"),
        ("short", False, "at least 16"),
    ],
)
def test_resolve_token_refuses(token: str | None, insecure: bool, message: str) -> None:
    with pytest.raises(AuthSetupError, match=message):
        resolve_token(token, insecure)


def test_the_command_refuses_to_start_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNDERCURRENT_WEB_TOKEN", raising=False)
    app = typer.Typer()
    app.callback()(lambda: None)
    web.register(app)
    result = CliRunner().invoke(app, ["web"])
    assert result.exit_code == 2 and "refusing to start without a token" in result.output


def test_the_view_redacts_with_the_configured_extra_patterns() -> None:
    from undercurrent.config import RedactionSettings, Settings

    settings = Settings(redaction=RedactionSettings(extra_patterns={"customer": r"\bCUST-\d{6}\b"}))
    config = web.web_config(settings, token=None, scan_limit=10, judge_tier=True)
    assert config.redact("ticket CUST-482913 by jane@example.org") == "ticket [CUSTOMER] by [EMAIL]"


def test_trusted_proxies_are_parsed_and_a_bad_one_is_refused() -> None:
    from undercurrent.config import Settings

    config = web.web_config(Settings(), token=None, scan_limit=10, judge_tier=True, trusted_proxies="127.0.0.1")
    assert [str(n) for n in config.trusted_proxies] == ["127.0.0.1/32"]
    with pytest.raises(ValueError, match="not an IP address"):
        web.web_config(Settings(), token=None, scan_limit=10, judge_tier=True, trusted_proxies="ingress")
