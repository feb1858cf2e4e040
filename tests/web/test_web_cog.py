"""The Discord side of the dashboard: a web server that cannot start says why in one line."""

from __future__ import annotations

from discord.ext import commands

from bot.client import login_failure
from bot.errors import UserFacingError


def test_a_feature_that_cannot_start_says_why() -> None:
    failed = commands.ExtensionFailed(
        "cogs.web", UserFacingError("RETE_WEB_HOST/RETE_WEB_PORT 127.0.0.1:8080: Address in use")
    )
    assert login_failure(failed) == "RETE_WEB_HOST/RETE_WEB_PORT 127.0.0.1:8080: Address in use"
    assert login_failure(commands.ExtensionFailed("cogs.web", RuntimeError("boom"))) is None
