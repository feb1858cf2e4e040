"""Who may moderate a server now, and where Rete can post: a Protocol the front-ends implement
(Discord, the console)."""

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

    async def channel_names(self, guild_id: int) -> dict[int, str]:
        """The server's text channels, id → name, as the server shows them now ({} when the
        front-end does not know them: channels are then given and shown by id)."""
        ...

    async def can_post_reviews(self, guild_id: int, channel_id: int) -> bool:
        """Rete can post review cases in that channel now (see, write, embed links), as
        `/setup review-channel` requires."""
        ...


@dataclass(frozen=True)
class ConsoleModerator:
    """Offline (`rete web` without a token): the console's moderator moderates its server."""

    guild_id: int
    user_id: int
    name: str = "console"
    channels: tuple[tuple[int, str], ...] = ()  # the console's channels, (id, name)

    async def can_moderate(self, guild_id: int, user_id: int, *, within: float = 0.0) -> bool:
        return guild_id == self.guild_id and user_id == self.user_id

    async def guild_name(self, guild_id: int) -> str | None:
        return self.name if guild_id == self.guild_id else None

    async def channel_names(self, guild_id: int) -> dict[int, str]:
        return dict(self.channels) if guild_id == self.guild_id else {}

    async def can_post_reviews(self, guild_id: int, channel_id: int) -> bool:
        return guild_id == self.guild_id  # the console's channels are its own: it writes in all
