"""Who may moderate a server now: a Protocol the front-ends implement (Discord, the console)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Permissions(Protocol):
    """Answers at the moment of use (never from a login-time snapshot): a moderator whose role
    was removed a minute ago is refused on their next request."""

    async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
        """Manage Messages (or Administrator, or owning the bot) in that server, now.

        `within` > 0 accepts a yes found at most that many seconds ago: only for a read that
        repeats by itself (the queue page's poll), never for a page a person opens or a change.
        """
        ...

    async def guild_name(self, guild_id: int) -> str | None:
        """The server's name, None if Rete is not in it."""
        ...


@dataclass(frozen=True)
class ConsoleModerator:
    """Offline (`rete web` without a token): the console's moderator moderates its server."""

    guild_id: int
    user_id: int
    name: str = "console"

    async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
        return guild_id == self.guild_id and user_id == self.user_id

    async def guild_name(self, guild_id: int) -> str | None:
        return self.name if guild_id == self.guild_id else None
