"""Client origin behind proxies, the sign-in limiter and session links (pure)."""

from __future__ import annotations

import pytest

from undercurrent.web.clients import Origin, origin, parse_networks
from undercurrent.web.format import session_href
from undercurrent.web.limiter import SignInLimit, SignInLimiter

PROXIES = parse_networks("127.0.0.1, 10.0.0.0/8")


@pytest.mark.parametrize(
    ("peer", "scheme", "forwarded_for", "proto", "expected"),
    [
        ("198.51.100.1", "http", None, None, Origin("198.51.100.1", False)),
        ("198.51.100.1", "https", None, None, Origin("198.51.100.1", True)),
        ("198.51.100.1", "http", "203.0.113.5", "https", Origin("198.51.100.1", False)),  # untrusted peer
        ("127.0.0.1", "http", "203.0.113.5", "https", Origin("203.0.113.5", True)),
        ("127.0.0.1", "http", "203.0.113.5", "http", Origin("203.0.113.5", False)),
        ("127.0.0.1", "http", "6.6.6.6, 203.0.113.5, 10.1.2.3", "https", Origin("203.0.113.5", True)),
        ("127.0.0.1", "http", "10.1.2.3", "HTTPS, http", Origin("10.1.2.3", True)),  # all hops trusted
        ("127.0.0.1", "https", None, None, Origin("127.0.0.1", True)),
        (None, "http", None, None, Origin("unknown", False)),
    ],
    ids=["direct", "direct-https", "spoofed", "proxied-https", "proxied-http", "rightmost-untrusted",
         "only-trusted-hops", "proxy-without-headers", "no-peer"],
)
def test_origin(peer, scheme, forwarded_for, proto, expected: Origin) -> None:
    assert origin(peer, scheme, forwarded_for=forwarded_for, forwarded_proto=proto, trusted=PROXIES) == expected


def test_bad_proxy_specs_are_named() -> None:
    assert parse_networks("") == ()
    assert [str(n) for n in parse_networks("::1 192.168.1.0/24")] == ["::1/128", "192.168.1.0/24"]
    with pytest.raises(ValueError, match="'proxy.local'"):
        parse_networks("127.0.0.1,proxy.local")


def test_a_client_waits_after_the_limit_until_its_oldest_failure_leaves_the_window() -> None:
    limiter = SignInLimiter(SignInLimit(max_failures=3, window_s=60))
    assert [limiter.failed("a", t) for t in (0, 10, 20)] == [1, 2, 3]
    assert limiter.retry_after("a", 20) == 40
    assert limiter.retry_after("a", 59.5) == 1
    assert limiter.retry_after("b", 20) == 0  # other clients are not affected
    assert limiter.retry_after("a", 60) == 0  # the failure at 0 has left the window
    assert limiter.failed("a", 60) == 3 and limiter.retry_after("a", 60) == 10


def test_the_limiter_remembers_a_bounded_number_of_clients() -> None:
    limiter = SignInLimiter(SignInLimit(max_failures=2, window_s=60, max_clients=100))
    for n in range(10_000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}", 1.0)
    assert len(limiter) == 100


@pytest.mark.parametrize(
    ("session_id", "href"),
    [
        ("drift-1", "/sessions/drift-1"),
        ("../admin", "/sessions/..%2Fadmin"),
        ("a b?c#d", "/sessions/a%20b%3Fc%23d"),
        ("%2e%2e", "/sessions/%252e%252e"),
        ("..", "/session?id=.."),
        (".", "/session?id=."),
        ("...", "/sessions/..."),
    ],
)
def test_session_links_keep_the_id_in_one_segment(session_id: str, href: str) -> None:
    assert session_href(session_id) == href
