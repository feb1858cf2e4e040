"""Settings parsing: defaults, every problem in one error, the token never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import RedactingFilter, Settings
from bot.errors import ConfigError

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz012345"


def test_defaults_without_anything() -> None:
    settings = Settings.from_env({})
    assert settings.discord_token is None
    assert not settings.has_token
    assert settings.db_path == Path("data/rete.db")
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.owner_ids == frozenset()


def test_full_environment() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "RETE_DB": "/tmp/x.db",
            "RETE_DEV_GUILD_ID": "123456789012345678",
            "RETE_LOG_LEVEL": "debug",
            "RETE_OWNER_IDS": "111111111111111111, 222222222222222222",
            "RETE_DISCORD_API_BASE": "http://127.0.0.1:1234/api/v10",
            "RETE_DISCORD_GATEWAY": "ws://127.0.0.1:1234/ws",
            "RETE_KNOWLEDGE_SOURCES": "a/faq.yaml, b/articles",
        }
    )
    assert settings.has_token
    assert settings.db_path == Path("/tmp/x.db")
    assert settings.dev_guild_id == 123456789012345678
    assert settings.log_level == "DEBUG"
    assert settings.owner_ids == {111111111111111111, 222222222222222222}
    assert settings.knowledge_sources == (Path("a/faq.yaml"), Path("b/articles"))


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_values_mean_unset(blank: str) -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": blank, "RETE_DEV_GUILD_ID": blank})
    assert settings.discord_token is None
    assert settings.dev_guild_id is None


def test_every_problem_in_one_error() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {
                "DISCORD_TOKEN": "tok3n",
                "RETE_DEV_GUILD_ID": "not-a-number",
                "RETE_LOG_LEVEL": "LOUD",
                "RETE_OWNER_IDS": "12,abc",
                "RETE_DISCORD_API_BASE": "ftp://x",
            }
        )
    message = str(caught.value)
    for key in (
        "DISCORD_TOKEN",
        "RETE_DEV_GUILD_ID",
        "RETE_LOG_LEVEL",
        "RETE_OWNER_IDS",
        "RETE_DISCORD_API_BASE",
    ):
        assert key in message
    assert "tok3n" not in message  # not even a bad token is echoed


def test_token_not_in_repr_or_str() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


def test_redacting_filter_hides_the_token() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", (TOKEN,), None)
    assert RedactingFilter(TOKEN).filter(record)
    assert TOKEN not in record.getMessage()
    assert "<token>" in record.getMessage()
