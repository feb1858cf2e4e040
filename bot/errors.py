"""Errors that carry a message meant for a person (member, moderator or operator)."""


class UserFacingError(Exception):
    """An error whose message is safe and useful to show as it is."""


class ConfigError(UserFacingError):
    """The settings are missing or invalid; the message lists every problem at once."""
