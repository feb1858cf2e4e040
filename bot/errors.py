"""Errors that carry a message meant for a person (member, moderator or operator)."""

from __future__ import annotations

import errno

from bot import texts


class UserFacingError(Exception):
    """An error whose message is safe and useful to show as it is."""


class ConfigError(UserFacingError):
    """The settings are missing or invalid; the message lists every problem at once."""


_OS_ERRORS = {
    errno.ENOENT: texts.CLI_NO_SUCH_FILE,
    errno.EACCES: texts.CLI_PERMISSION_DENIED,
    errno.EPERM: texts.CLI_PERMISSION_DENIED,
    errno.EISDIR: texts.CLI_IS_A_DIRECTORY,
    errno.ENOTDIR: texts.CLI_NOT_A_DIRECTORY,
    errno.ENOSPC: texts.CLI_DISK_FULL,
    errno.EROFS: texts.CLI_READ_ONLY,
}


def os_error_text(exc: OSError) -> str:
    """An operating system error in the reader's language, not the system's own words."""
    path = str(exc.filename) if exc.filename is not None else "?"
    known = _OS_ERRORS.get(exc.errno) if exc.errno is not None else None
    if known is not None:
        return known.format(path=path)
    return texts.CLI_OS_ERROR.format(path=path, code=errno.errorcode.get(exc.errno or 0, "?"))
