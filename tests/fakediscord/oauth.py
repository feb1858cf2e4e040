"""The fake's OAuth2 (authorisation-code flow) for the web dashboard's "Login with Discord".

`GET /oauth2/authorize` (the browser page) approves at once as `fake.oauth_user` and redirects
to `redirect_uri?code=…&state=…` (or `error=access_denied` when no user is set);
`POST /api/v10/oauth2/token` trades a code (once) for a Bearer token, checking the client id,
secret and redirect_uri; `GET /api/v10/users/@me` and `/users/@me/guilds` with that Bearer token
answer for the user (bot-token requests go on to the bot's REST handlers).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from aiohttp import web

from tests.fakediscord.server import json_response

if TYPE_CHECKING:
    from tests.fakediscord.models import FakeUser
    from tests.fakediscord.server import FakeDiscord

CLIENT_SECRET = "fake-oauth-client-secret"  # what Rete's RETE_WEB_CLIENT_SECRET must be


@dataclass
class OAuth:
    fake: FakeDiscord
    user: FakeUser | None = None  # who "clicks Authorise"; None: the user refuses
    client_secret: str = CLIENT_SECRET
    codes: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # code → user, uri, scope
    tokens: dict[str, tuple[int, str]] = field(default_factory=dict)  # token → user, scope
    authorized: list[dict[str, str]] = field(default_factory=list)  # every authorize query seen

    def routes(self, app: web.Application, api_prefix: str) -> None:
        app.router.add_get("/oauth2/authorize", self.authorize)
        app.router.add_post(api_prefix + "/oauth2/token", self.token)
        app.router.add_get(api_prefix + "/users/@me/guilds", self.my_guilds)

    def bearer_user(self, request: web.Request) -> tuple[int, str] | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        return self.tokens.get(auth.removeprefix("Bearer "))

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.authorized.append(query)
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != str(self.fake.application_id) or not redirect:
            return web.Response(status=400, text="invalid client_id or redirect_uri")
        if query.get("response_type") != "code":
            return web.Response(status=400, text="unsupported response_type")
        state = query.get("state", "")
        if self.user is None:
            params = {"error": "access_denied", "state": state}
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = (self.user.id, redirect, query.get("scope", ""))
            params = {"code": code, "state": state}
        raise web.HTTPFound(redirect + "?" + urlencode(params))

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("client_id") != str(self.fake.application_id) or form.get("client_secret") != (
            self.client_secret
        ):
            return json_response(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code":
            return json_response(400, {"error": "unsupported_grant_type"})
        grant = self.codes.pop(str(form.get("code", "")), None)  # a code works once
        if grant is None or grant[1] != form.get("redirect_uri"):
            return json_response(400, {"error": "invalid_grant"})
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (grant[0], grant[2])
        return json_response(
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 604800,
                "refresh_token": secrets.token_urlsafe(24),
                "scope": grant[2],
            },
        )

    async def me(self, request: web.Request) -> web.Response | None:
        """`/users/@me` with a Bearer token; None: a bot request, for the REST handlers."""
        holder = self.bearer_user(request)
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        if holder is None or "identify" not in holder[1].split():
            return json_response(401, {"code": 0, "message": "401: Unauthorized"})
        return json_response(200, self.fake.users[holder[0]].payload())

    async def my_guilds(self, request: web.Request) -> web.Response:
        holder = self.bearer_user(request)
        if holder is None or "guilds" not in holder[1].split():
            return json_response(401, {"code": 0, "message": "401: Unauthorized"})
        user_id = holder[0]
        guilds = []
        for guild in self.fake.guilds.values():
            if user_id not in guild.members and user_id != guild.owner_id:
                continue
            perms = guild.base_permissions(user_id)
            guilds.append(
                {
                    "id": str(guild.id),
                    "name": guild.name,
                    "icon": None,
                    "owner": guild.owner_id == user_id,
                    "permissions": str(perms),
                    "features": [],
                }
            )
        return json_response(200, guilds)
