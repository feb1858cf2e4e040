"""Logging set-up: our handler, the token redacted, and no library that logs message payloads."""

from __future__ import annotations

import logging
import sys

from bot.config import RedactingFilter, Settings

# Libraries whose DEBUG lines carry whole payloads (gateway events, HTTP bodies, SQL parameters),
# that is, what members wrote. They never log below INFO, whatever RETE_LOG_LEVEL says.
PAYLOAD_LOGGERS = ("discord", "aiosqlite", "aiohttp")


def set_levels(level: str | int) -> None:
    """Root at `level`; the payload-carrying libraries at INFO at the lowest."""
    root = logging.getLogger()
    root.setLevel(level)
    floor = max(logging.INFO, root.level)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(floor)


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(RedactingFilter(settings.discord_token))
    logging.getLogger().handlers[:] = [handler]
    set_levels(settings.log_level)
