"""A policy file handed in by a moderator, checked the same way by every front-end: an
attachment to /policy import (Discord), a path in the console or the CLI."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from bot.errors import UserFacingError, os_error_text
from bot.policy.model import POLICY_TEXT_MAX_BYTES


def check_policy_size(size: int) -> None:
    """Refuse a file over the policy cap before reading it."""
    if size > POLICY_TEXT_MAX_BYTES:
        raise UserFacingError(texts.POLCMD_FILE_TOO_BIG.format(kb=POLICY_TEXT_MAX_BYTES // 1024))


def decode_policy(data: bytes) -> str:
    """A policy file's bytes as text (UTF-8, with or without a byte-order mark)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserFacingError(texts.POLCMD_FILE_NOT_TEXT) from None


def read_policy_file(path: Path) -> str:
    """A policy file's text, with the same size cap as an attachment to /policy import."""
    try:
        check_policy_size(path.stat().st_size)
        return decode_policy(path.read_bytes())
    except OSError as exc:
        raise UserFacingError(os_error_text(exc)) from None
