"""The moderators' web dashboard: a front-end over the core, like the cogs and the console."""

from bot.web.app import Dashboard, OfflineUser, WebServer
from bot.web.oauth import DiscordOAuth

__all__ = ["Dashboard", "DiscordOAuth", "OfflineUser", "WebServer"]
