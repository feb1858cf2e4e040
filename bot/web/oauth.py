"""Discord's OAuth2 authorisation-code flow (scopes `identify guilds`) for the dashboard."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import aiohttp

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
SCOPES = "identify guilds"
GUILDS_KEPT = 100  # Discord lists at most 200; the session cookie keeps the first hundred


class OAuthError(Exception):
    """Discord refused a step of the login (the message names the step, never a secret)."""


@dataclass(frozen=True)
class Identity:
    user_id: int
    name: str
    guilds: tuple[tuple[int, str], ...]  # the servers the person is in: (id, name)


@dataclass(frozen=True)
class DiscordOAuth:
    client_id: int
    client_secret: str
    redirect_uri: str
    api_base: str = DISCORD_API

    @property
    def authorize_endpoint(self) -> str:
        """discord.com/oauth2/authorize, or the same path on the fake Discord in tests."""
        parts = urlsplit(self.api_base)
        return f"{parts.scheme}://{parts.netloc}/oauth2/authorize"

    def authorize_url(self, state: str) -> str:
        query = {
            "client_id": str(self.client_id),
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "scope": SCOPES,
            "state": state,
            "prompt": "none",
        }
        return self.authorize_endpoint + "?" + urlencode(query)

    async def identify(self, code: str) -> Identity:
        """Trade the code for a token, then read who the person is and their servers."""
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            form = {
                "client_id": str(self.client_id),
                "client_secret": self.client_secret,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
            }
            async with http.post(self.api_base + "/oauth2/token", data=form) as response:
                if response.status != 200:
                    raise OAuthError(f"token exchange refused ({response.status})")
                token = (await response.json(content_type=None)).get("access_token")
            if not isinstance(token, str) or not token:
                raise OAuthError("token exchange gave no token")
            headers = {"Authorization": f"Bearer {token}"}
            async with http.get(self.api_base + "/users/@me", headers=headers) as response:
                if response.status != 200:
                    raise OAuthError(f"users/@me refused ({response.status})")
                me = await response.json(content_type=None)
            async with http.get(self.api_base + "/users/@me/guilds", headers=headers) as response:
                if response.status != 200:
                    raise OAuthError(f"users/@me/guilds refused ({response.status})")
                guilds = await response.json(content_type=None)
        name = str(me.get("global_name") or me.get("username") or me["id"])
        listed = tuple((int(g["id"]), str(g.get("name", ""))) for g in guilds[:GUILDS_KEPT])
        return Identity(int(me["id"]), name[:100], listed)
