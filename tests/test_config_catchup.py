"""RETE_CATCHUP_NUDGE_MINUTES: how recent a message read back after downtime must be for a nudge."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import ConfigError


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [(None, 0.0), ("0", 0.0), ("30", 1800.0), ("1.5", 90.0), (" 10 ", 600.0), ("10080", 604800.0)],
)
def test_catchup_nudge_minutes(raw: str | None, seconds: float) -> None:
    env = {} if raw is None else {"RETE_CATCHUP_NUDGE_MINUTES": raw}
    assert Settings.from_env(env).catchup_nudge_max_age_s == seconds


@pytest.mark.parametrize("raw", ["-1", "mezz'ora", "10081", "nan"])
def test_catchup_nudge_minutes_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match="RETE_CATCHUP_NUDGE_MINUTES"):
        Settings.from_env({"RETE_CATCHUP_NUDGE_MINUTES": raw})
