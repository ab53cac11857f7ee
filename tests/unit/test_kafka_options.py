import ssl

import pytest
from pydantic import SecretStr

from undercurrent.config import KafkaSettings
from undercurrent.kafka.options import client_options, faust_broker_options


def test_plaintext_passes_only_the_connection():
    assert client_options(KafkaSettings(bootstrap="k:9092")) == {
        "bootstrap_servers": "k:9092",
        "security_protocol": "PLAINTEXT",
    }


def test_sasl_credentials_are_passed_through():
    kafka = KafkaSettings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc",
        sasl_password=SecretStr("pw"),
    )
    options = client_options(kafka)
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "SCRAM-SHA-512",
        "svc",
        "pw",
    )
    assert "ssl_context" not in options


def test_sasl_without_credentials_is_refused():
    with pytest.raises(ValueError, match="sasl_username"):
        client_options(KafkaSettings(security_protocol="SASL_SSL", sasl_mechanism="PLAIN"))


def test_ssl_builds_a_context():
    options = client_options(KafkaSettings(security_protocol="SSL"))
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert options["security_protocol"] == "SSL"


def test_faust_gets_the_same_sasl_settings():
    kafka = KafkaSettings(
        security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_username="svc", sasl_password=SecretStr("pw")
    )
    credentials = faust_broker_options(kafka)["broker_credentials"]
    assert (credentials.username, credentials.password, credentials.mechanism.value) == ("svc", "pw", "PLAIN")
    assert isinstance(credentials.ssl_context, ssl.SSLContext)


def test_faust_plaintext_needs_no_credentials():
    assert faust_broker_options(KafkaSettings()) == {}
