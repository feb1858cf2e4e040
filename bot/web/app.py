"""The moderators' web dashboard: an aiohttp application over the core's services.

A front-end like the cogs and the console: it parses a request, checks the person may moderate
that server now (`Permissions`), calls the core, and renders a Jinja2 template (autoescaped:
member-written text is data, never markup). It imports no discord and no store.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot import i18n, texts
from bot.core import Core
from bot.errors import UserFacingError
from bot.knowledge.learning import item_fields
from bot.knowledge.models import UPLOAD_MAX_BYTES, faq_too_long
from bot.knowledge.render import render_report
from bot.permissions import Permissions
from bot.policy import PolicyError, flows
from bot.policy.explain import describe_proposal, explain
from bot.policy.flows import backtest, backtest_body
from bot.policy.history import describe_change
from bot.policy.learn import Proposal
from bot.policy.model import dump_policy, load_policy_text
from bot.review import (
    CLAIMED,
    CONFIRMED,
    DISMISSED,
    NUDGE_MODES,
    OPEN_STATUSES,
    PENDING,
    REOPENED,
    RETENTION_DAYS_MAX,
    RETENTION_DAYS_MIN,
    CaseFilter,
    Decision,
    GuildSettings,
    PageAt,
    ReviewAction,
)
from bot.review.models import TIMEOUT_CHOICES_S
from bot.review.render import duration
from bot.web import render
from bot.web.oauth import DiscordOAuth, OAuthError
from bot.web.security import (
    SECURITY_HEADERS,
    OneTimeLinks,
    RateLimiter,
    Signer,
    same_token,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
SESSION_COOKIE = "rete_session"
STATE_COOKIE = "rete_oauth_state"
LANG_COOKIE = "rete_lang"  # the language chosen with the header's IT/EN switch
LANG_COOKIE_MAX_AGE_S = 365 * 86_400
LANG_CHOSEN = web.RequestKey("lang_chosen", bool)  # by the switch or the browser
SESSION_MAX_AGE_S = 12 * 3600
STATE_MAX_AGE_S = 600
PAGE_SIZE = 50
POLL_SECONDS = 3  # how often an open queue page asks for its rows again
# A poll may rest on a permission Discord confirmed this recently (a page opened or a change
# always asks again): a moderator whose role was removed stops seeing new rows within it.
POLL_PERMISSION_SECONDS = 15
LOGIN_ATTEMPTS = (10, 60.0)  # per client address: attempts, seconds
POLICY_MAX_BYTES = 256 * 1024
# What a form may send: a policy file, or a file to import (refused in words above its limit).
REQUEST_MAX_BYTES = max(POLICY_MAX_BYTES * 2, UPLOAD_MAX_BYTES + 64 * 1024)
# Files the knowledge import takes: Markdown articles, FAQ YAML, WordPress exports (and feeds).
IMPORT_SUFFIXES = (".md", ".markdown", ".yaml", ".yml", ".xml")
FEED_URL_MAX = 500  # as /articles feed's url option
ARTICLES_SHOWN = 200
FAQ_VERSIONS_SHOWN = 50  # the server's most recent earlier FAQ versions on the knowledge page
FLASH_MAX_AGE_S = 120
STATUS_CHOICES: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    PENDING: (PENDING,),
    CLAIMED: (CLAIMED,),
    REOPENED: (REOPENED,),
    CONFIRMED: (CONFIRMED,),
    DISMISSED: (DISMISSED,),
    "all": (),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The path of the page being answered, for the header's language switch to come back to.
_here: ContextVar[str] = ContextVar("rete_web_here", default="/")


def _(text: str) -> str:
    """The dashboard's text `text` (its Italian id, msgctxt "web") in the request's language."""
    return i18n.gettext(text, i18n.WEB_CONTEXT)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n, i18n.WEB_CONTEXT)


def _markup_gettext(text: str, **values: object) -> Markup:
    """Jinja2's newstyle gettext for templates, without its two `Context.call` hops (~35 µs a
    call): the translation is trusted markup, the values put into it are escaped."""
    return Markup(_(text)) % values  # noqa: S704 (our catalogs, as Jinja2 itself does)


def _markup_ngettext(singular: str, plural: str, num: int, **values: object) -> Markup:
    values.setdefault("num", num)
    return Markup(_ngettext(singular, plural, num)) % values  # noqa: S704


def decision_said(key: str) -> str:
    """What the moderator is told after a claim, confirm or dismiss (or a late click)."""
    said = {
        "claim": _("Caso #{case_id}: lo hai preso in carico."),
        "confirm": _("Caso #{case_id}: confermato."),
        "dismiss": _("Caso #{case_id}: archiviato."),
        "late": _("Caso #{case_id}: un altro moderatore ha già deciso, nulla è cambiato."),
    }
    return said[key]


def faq_field(name: str) -> str:
    """A FAQ form field's name as the form labels it."""
    names = {
        "question": _("domanda"),
        "answer": _("risposta"),
        "variants": _("altre formulazioni"),
        "links": _("link"),
    }
    return names.get(name, name)


def status_labels() -> dict[str, str]:
    """The queue's status filter: its choices, in the request's language."""
    return {
        "open": _("aperti"),
        PENDING: _("in attesa"),
        CLAIMED: _("presi in carico"),
        REOPENED: _("riaperti"),
        CONFIRMED: _("confermati"),
        DISMISSED: _("archiviati"),
        "all": _("tutti"),
    }


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "catalogue this, translate later")
    """Marks a text for the catalogs (scripts/i18n.py extracts it) without translating it."""
    return text


# Ids only: a case's status and its history's action names, translated one at a time where
# they are shown (the queue shows a status per case: one lookup, not a table, per row).
CASE_STATUS_WORDS = {
    PENDING: N_("in attesa"),
    CLAIMED: N_("preso in carico"),
    REOPENED: N_("riaperto"),
    CONFIRMED: N_("confermato"),
    DISMISSED: N_("archiviato"),
}
AUDIT_ACTION_WORDS = {
    "opened": N_("aperto"),
    "edited": N_("modificato dal membro"),
    "claimed": N_("preso in carico"),
    CONFIRMED: N_("confermato"),
    DISMISSED: N_("archiviato"),
    REOPENED: N_("riaperto"),
    "appealed": N_("ricorso"),
    "message_deleted": N_("messaggio eliminato in Discord"),
    "text_purged": N_("testo cancellato (conservazione)"),
    "delete_message": N_("eliminazione del messaggio"),
    "timeout": N_("timeout"),
}


def case_status(status: str) -> str:
    """One case's status, as its page and its row in the queue show it."""
    word = CASE_STATUS_WORDS.get(status)
    return _(word) if word is not None else status


# What the audit trail records about an action (JSON), in words; a key not listed is shown as
# "key: value". A false flag or a zero says nothing.
AUDIT_DETAIL_WORDS = {
    "score": N_("punteggio {value:.2f}"),
    "reopened": N_("riaperto"),
    "delete_message": N_("con il messaggio da eliminare"),
    "timeout_s": N_("con timeout di {duration}"),
    "seconds": N_("di {duration}"),
    "chars": N_("{value} caratteri"),
}
AUDIT_OK = {True: N_("riuscito"), False: N_("non riuscito")}
AUDIT_QUIET = frozenset({"signature"})  # the rules' fingerprint, for the store, not a reader


def audit_detail(detail: str) -> str:
    """An audit entry's details in words (the store keeps them as JSON), as its page shows them."""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    parts: list[str] = []
    for key, value in data.items():
        word = AUDIT_DETAIL_WORDS.get(key)
        if key == "ok" and isinstance(value, bool):
            parts.append(_(AUDIT_OK[value]))
        elif key in AUDIT_QUIET or value is None or value is False or value == 0:
            continue
        elif word is None:
            parts.append(f"{key}: {value}")
        elif key in ("timeout_s", "seconds") and isinstance(value, int):
            parts.append(_(word).format(duration=duration(value)))
        elif value is True:
            parts.append(_(word))
        else:
            try:
                parts.append(_(word).format(value=value))
            except (ValueError, TypeError):
                parts.append(f"{key}: {value}")
    return ", ".join(parts)


def audit_action(action: str) -> str:
    """An entry of a case's history (the audit trail's action names), in words."""
    word = AUDIT_ACTION_WORDS.get(action)
    return _(word) if word is not None else action


def row_words() -> dict[str, Any]:
    """The texts a case's row repeats, translated once per page: a gettext call per case from
    the template cost more than the rest of the row (benchmarks/web.py)."""
    return {
        "case": _("Caso #{id}"),
        "member": _("membro {id}"),
        "channel": _("canale {id}"),
        "score": _("punteggio {score:.2f} / soglia {threshold:.2f} · policy v{version}"),
        "status": {status: _(word) for status, word in CASE_STATUS_WORDS.items()},
    }


def text_dropped(reason: str | None) -> str:
    """Why a case's text is no longer kept."""
    if reason == "retention":
        return _("scaduto il periodo di conservazione")
    if reason == "deleted":
        return _("messaggio eliminato")
    return "—"


def _timeouts() -> list[tuple[int, str]]:
    return [(s, duration(s) if s else _("nessuno")) for s in TIMEOUT_CHOICES_S]


@dataclass(frozen=True)
class Session:
    user_id: int
    name: str
    guilds: tuple[tuple[int, str], ...]
    csrf: str
    issued_at: float


# Where a request keeps its session once read (None: none, or not valid).
SESSION_KEY = web.RequestKey[Session | None]("rete_session")


@dataclass(frozen=True)
class OfflineUser:
    """Who a one-time link logs in as (`rete web`: the console's moderator)."""

    user_id: int
    name: str
    guilds: tuple[tuple[int, str], ...]


def _when(at: float | None) -> str:
    if at is None:
        return "—"
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _jump(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _day(raw: str, field: str, errors: list[str]) -> float | None:
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=dt.UTC).timestamp()
    except ValueError:
        errors.append(
            _("{field}: «{value}» non è una data (AAAA-MM-GG)").format(field=field, value=raw[:20])
        )
        return None


def _snowflake(raw: str, field: str, errors: list[str]) -> int | None:
    raw = raw.strip().lstrip("#@<>!")
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 20:
        return int(raw)
    errors.append(
        _("{field}: «{value}» non è un id di Discord").format(field=field, value=raw[:30])
    )
    return None


# The template settings scripts/i18n.py extracts the messages with (Jinja2's Babel extractor):
# whitespace inside {% trans %} is collapsed, and _() and {% trans %} format with %(name)s.
TEMPLATE_OPTIONS: dict[str, str] = {
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "trimmed": "true",
    "newstyle_gettext": "true",
}


def _back_path(request: web.Request) -> str:
    """Where the language switch comes back to: this page, or for a form's answer (a POST)
    the page the form is on."""
    if request.method == "GET":
        return request.path_qs
    parts = request.path.split("/")
    if len(parts) >= 4 and parts[1] == "g":
        return "/".join(parts[:5] if parts[3] == "case" else parts[:4])
    return "/"


def build_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every {{ }} is escaped, whatever the file is called
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Texts in templates are catalogued (msgctxt "web") and read in the current language, which
    # the request set (i18n's context variable); a translation is trusted markup, the values
    # put into it are escaped.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_, ngettext=_ngettext, newstyle=True
    )
    env.globals.update(_=_markup_gettext, gettext=_markup_gettext, ngettext=_markup_ngettext)
    env.globals["lang"] = i18n.current
    env.globals["here"] = _here.get
    env.globals["case_status"] = case_status
    env.globals["row_words"] = row_words
    env.globals["text_dropped"] = text_dropped
    env.globals["audit_action"] = audit_action
    env.globals["audit_detail"] = audit_detail
    env.globals["describe_change"] = describe_change
    env.filters["rule_description"] = i18n.rule_description
    env.filters["when"] = _when
    env.filters["duration"] = duration
    env.globals["jump"] = _jump
    env.globals["segments"] = render.segments
    env.globals["visible"] = render.visible
    return env


class Dashboard:
    """The dashboard's state (sessions are signed cookies: none is kept here)."""

    def __init__(
        self,
        core: Core,
        permissions: Permissions,
        *,
        secret: bytes,
        oauth: DiscordOAuth | None = None,
        links: OneTimeLinks | None = None,
        offline_user: OfflineUser | None = None,
        secure_cookies: bool = False,
        clock: Callable[[], float] = time.time,
        set_language: Callable[[int, i18n.Lang], Awaitable[None]] | None = None,
    ) -> None:
        self.core = core
        # How a server's language is changed: the bot also keeps it in memory (what it posts
        # in channels follows it), so with Discord it is the bot's own setter.
        self.set_language = set_language or self._set_language
        self.permissions = permissions
        self.signer = Signer(secret)
        self.oauth = oauth
        self.links = links
        self.offline_user = offline_user
        self.secure_cookies = secure_cookies
        self.clock = clock
        self.logins = RateLimiter(*LOGIN_ATTEMPTS)
        self.templates = build_templates()

    async def _set_language(self, guild_id: int, lang: i18n.Lang) -> None:
        await self.core.review.update_settings(guild_id, language=lang)

    # --- the application -------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._headers, self._language, self._not_found, self._csrf],
            client_max_size=REQUEST_MAX_BYTES,
        )
        r = app.router
        r.add_get("/", self.index)
        r.add_get("/login", self.login)
        r.add_get("/login/discord", self.login_discord)
        r.add_get("/oauth/callback", self.oauth_callback)
        r.add_get("/login/once", self.login_once)
        r.add_post("/logout", self.logout)
        r.add_get("/lang/{lang}", self.choose_language)
        r.add_get("/g/{guild}/", self.guarded(self.queue))
        r.add_get("/g/{guild}/queue", self.guarded(self.queue))
        r.add_get("/g/{guild}/queue/rows", self.guarded(self.queue_rows, poll=True))
        r.add_get("/g/{guild}/case/{case}", self.guarded(self.case))
        r.add_post("/g/{guild}/case/{case}", self.guarded(self.decide))
        r.add_get("/g/{guild}/policy", self.guarded(self.policy))
        r.add_post("/g/{guild}/policy/test", self.guarded(self.policy_test))
        r.add_post("/g/{guild}/policy/preview", self.guarded(self.policy_preview))
        r.add_post("/g/{guild}/policy/apply", self.guarded(self.policy_apply))
        r.add_post("/g/{guild}/policy/rollback", self.guarded(self.policy_rollback))
        r.add_get("/g/{guild}/policy/export", self.guarded(self.policy_export))
        r.add_get("/g/{guild}/knowledge", self.guarded(self.knowledge))
        r.add_post("/g/{guild}/knowledge/faq", self.guarded(self.faq_add))
        r.add_post("/g/{guild}/knowledge/faq/{key}", self.guarded(self.faq_change))
        r.add_post("/g/{guild}/knowledge/restore/{version}", self.guarded(self.faq_restore))
        r.add_post("/g/{guild}/knowledge/unanswered/{item}", self.guarded(self.unanswered))
        r.add_post("/g/{guild}/knowledge/feeds", self.guarded(self.feeds))
        r.add_post("/g/{guild}/knowledge/sync", self.guarded(self.sync))
        r.add_post("/g/{guild}/knowledge/import", self.guarded(self.import_file))
        r.add_get("/g/{guild}/settings", self.guarded(self.settings))
        r.add_post("/g/{guild}/settings", self.guarded(self.settings_save))
        r.add_post("/g/{guild}/settings/answers", self.guarded(self.answer_channel))
        r.add_post("/g/{guild}/settings/learn", self.guarded(self.learn))
        r.add_get("/g/{guild}/stats", self.guarded(self.stats))
        r.add_get("/g/{guild}/stats/{name}.csv", self.guarded(self.stats_csv))
        r.add_static("/static", HERE / "static", append_version=True)
        return app

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        response.headers.update(SECURITY_HEADERS)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if isinstance(response, web.HTTPException) and response.status >= 300:
            raise response
        return response

    @web.middleware
    async def _language(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer in the language chosen with the switch (a cookie), else the browser's
        (Accept-Language), else, on a server's pages, the server's (see `guarded`), else
        Italian."""
        chosen = request.cookies.get(LANG_COOKIE)
        lang = chosen if i18n.is_lang(chosen) else None
        lang = lang or i18n.from_accept_language(request.headers.get("Accept-Language"))
        request[LANG_CHOSEN] = lang is not None
        here = _here.set(_back_path(request))
        try:
            with i18n.using(lang or i18n.DEFAULT_LANG):
                return await handler(request)
        finally:
            _here.reset(here)

    @web.middleware
    async def _not_found(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A page that does not exist, or a method a page does not take, answered in the
        reader's language like every other error (aiohttp's own are plain English text)."""
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return self.page("error.html", status=404, message=_("Questa pagina non esiste."))
        except web.HTTPMethodNotAllowed as exc:
            response = self.page(
                "error.html", status=405, message=_("Questa pagina non accetta questa richiesta.")
            )
            response.headers["Allow"] = exc.headers.get("Allow", "")
            return response

    @web.middleware
    async def _csrf(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every state-changing request carries the session's CSRF token, or is refused."""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return await handler(request)
        session = await self.session(request)
        given = request.headers.get("X-CSRF-Token")
        if given is None and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                most = REQUEST_MAX_BYTES // 1024
                message = _(
                    "Richiesta troppo grande: al massimo {kib} KiB, non è stato salvato nulla."
                )
                return self.page("error.html", status=413, message=message.format(kib=most))
            value = form.get("csrf")
            given = value if isinstance(value, str) else None
        if session is None or not same_token(given, session.csrf):
            log.info(
                "web: %s %s refused without a valid CSRF token (user %s)",
                request.method,
                request.path,
                session.user_id if session else None,
            )
            return self.page(
                "error.html", status=403, message=_("Richiesta rifiutata (token CSRF).")
            )
        return await handler(request)

    # --- sessions --------------------------------------------------------------------------------

    async def session(self, request: web.Request) -> Session | None:
        """The request's session: signed by us, under 12 hours old, and issued after its
        person last logged out (logging out ends the sessions of every browser). Read once
        per request: the CSRF check and the handler both ask."""
        if SESSION_KEY not in request:
            request[SESSION_KEY] = await self._read_session(request)
        return request[SESSION_KEY]

    async def _read_session(self, request: web.Request) -> Session | None:
        data = self.signer.unsign(
            "session", request.cookies.get(SESSION_COOKIE), max_age=SESSION_MAX_AGE_S
        )
        if data is None:
            return None
        try:
            guilds = tuple((int(g), str(n)) for g, n in data["guilds"])
            session = Session(
                int(data["uid"]), str(data["name"]), guilds, str(data["csrf"]), float(data["iat"])
            )
        except (KeyError, TypeError, ValueError):
            return None
        ended = await self.core.sessions.ended_before(session.user_id)
        if ended is not None and session.issued_at <= ended:
            return None
        return session

    def _start_session(
        self,
        response: web.StreamResponse,
        user_id: int,
        name: str,
        guilds: tuple[tuple[int, str], ...],
    ) -> None:
        value = self.signer.sign(
            "session",
            {"uid": user_id, "name": name, "guilds": guilds, "csrf": secrets.token_urlsafe(24)},
        )
        self._cookie(response, SESSION_COOKIE, value, SESSION_MAX_AGE_S)

    def _cookie(
        self, response: web.StreamResponse, name: str, value: str, max_age: int, path: str = "/"
    ) -> None:
        """Every cookie the dashboard sets: HttpOnly, SameSite=Lax, Secure behind https."""
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="Lax",
            secure=self.secure_cookies,
            path=path,
        )

    def page(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        context.setdefault("session", None)
        context.setdefault("guild_id", None)
        context.setdefault("guild_name", None)
        context.setdefault("poll_seconds", POLL_SECONDS)
        html = self.templates.get_template(template).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def guarded(
        self,
        handler: Callable[[web.Request, Session, int], Awaitable[web.StreamResponse]],
        *,
        poll: bool = False,
    ) -> Handler:
        """A logged-in person who may moderate this server now; anyone else gets 403. A `poll`
        (a read the page repeats by itself) accepts a permission confirmed in the last
        POLL_PERMISSION_SECONDS."""
        within = POLL_PERMISSION_SECONDS if poll else 0.0

        async def check(request: web.Request) -> web.StreamResponse:
            session = await self.session(request)
            if session is None:
                if request.method == "GET":
                    raise web.HTTPSeeOther("/login")
                return self.page("error.html", status=401, message=_("Accedi di nuovo."))
            try:
                guild_id = int(request.match_info["guild"])
            except ValueError:
                raise web.HTTPNotFound() from None
            if not await self.permissions.can_moderate(guild_id, session.user_id, within=within):
                log.info("web: user %s refused in guild %s", session.user_id, guild_id)
                return self.page(
                    "error.html",
                    status=403,
                    session=session,
                    message=_("Non hai il permesso Gestire i messaggi in questo server."),
                )
            if request.get(LANG_CHOSEN):
                return await handler(request, session, guild_id)
            # Neither the switch nor the browser chose: the server's language (/setup language).
            language = (await self.core.review.settings(guild_id)).language
            with i18n.using(language if i18n.is_lang(language) else i18n.DEFAULT_LANG):
                return await handler(request, session, guild_id)

        return check

    def _flash(self, message: str) -> str:
        """A query string carrying what to tell the moderator on the next page, signed: a link
        made elsewhere cannot put words in the dashboard's mouth."""
        return urlencode({"msg": self.signer.sign("flash", {"m": message})})

    def _message(self, request: web.Request) -> str:
        data = self.signer.unsign("flash", request.query.get("msg"), max_age=FLASH_MAX_AGE_S)
        return str(data.get("m", "")) if data else ""

    def _client(self, request: web.Request) -> str:
        return request.remote or "?"

    # --- login and logout --------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        session = await self.session(request)
        if session is None:
            raise web.HTTPSeeOther("/login")
        guilds = []
        for guild_id, name in session.guilds:
            known = await self.permissions.guild_name(guild_id)
            if known is not None and await self.permissions.can_moderate(guild_id, session.user_id):
                guilds.append((guild_id, known or name))
        return self.page("index.html", session=session, guilds=guilds)

    async def login(self, request: web.Request) -> web.StreamResponse:
        return self.page(
            "login.html",
            discord=self.oauth is not None,
            offline=self.links is not None,
            error=request.query.get("error", "")[:100],
        )

    async def login_discord(self, request: web.Request) -> web.StreamResponse:
        if self.oauth is None:
            raise web.HTTPNotFound()
        if not self.logins.allow(self._client(request)):
            return self.page(
                "error.html", status=429, message=_("Troppi tentativi: riprova tra un minuto.")
            )
        state = secrets.token_urlsafe(24)
        response = web.HTTPFound(self.oauth.authorize_url(state))
        self._cookie(
            response,
            STATE_COOKIE,
            self.signer.sign("state", {"state": state}),
            STATE_MAX_AGE_S,
            path="/oauth/callback",
        )
        raise response

    async def oauth_callback(self, request: web.Request) -> web.StreamResponse:
        if self.oauth is None:
            raise web.HTTPNotFound()
        if not self.logins.allow(self._client(request)):
            return self.page(
                "error.html", status=429, message=_("Troppi tentativi: riprova tra un minuto.")
            )
        data = self.signer.unsign(
            "state", request.cookies.get(STATE_COOKIE), max_age=STATE_MAX_AGE_S
        )
        state = request.query.get("state")
        if data is None or not same_token(state, str(data.get("state"))):
            log.info("web: OAuth2 callback with a missing or wrong state refused")
            return self.page(
                "error.html", status=400, message=_("Accesso non valido (state): riprova.")
            )
        code = request.query.get("code")
        if not code:
            return self.page(
                "error.html", status=400, message=_("Discord non ha autorizzato l'accesso.")
            )
        try:
            identity = await self.oauth.identify(code)
        except (OAuthError, OSError, ValueError, KeyError) as exc:
            log.warning("web: OAuth2 login failed: %s", type(exc).__name__)
            return self.page(
                "error.html", status=502, message=_("Discord non ha confermato l'accesso: riprova.")
            )
        log.info("web: user %s logged in", identity.user_id)
        response = web.HTTPSeeOther("/")
        response.del_cookie(STATE_COOKIE, path="/oauth/callback")
        self._start_session(response, identity.user_id, identity.name, identity.guilds)
        raise response

    async def login_once(self, request: web.Request) -> web.StreamResponse:
        if self.links is None or self.offline_user is None:
            raise web.HTTPNotFound()
        if not self.logins.allow(self._client(request)):
            return self.page(
                "error.html", status=429, message=_("Troppi tentativi: riprova tra un minuto.")
            )
        if not self.links.redeem(request.query.get("token", "")):
            return self.page(
                "error.html", status=403, message=_("Link già usato o scaduto: riavvia `rete web`.")
            )
        user = self.offline_user
        log.info("web: user %s logged in with a one-time link", user.user_id)
        response = web.HTTPSeeOther("/")
        self._start_session(response, user.user_id, user.name, user.guilds)
        raise response

    async def choose_language(self, request: web.Request) -> web.StreamResponse:
        """The header's IT/EN switch: a plain link (no script, nothing to protect with a CSRF
        token: it changes only how pages read), kept in a cookie, back to the same page."""
        lang = request.match_info["lang"]
        if not i18n.is_lang(lang):
            raise web.HTTPNotFound()
        back = request.query.get("next", "/")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/"
        response = web.HTTPSeeOther(back)
        self._cookie(response, LANG_COOKIE, lang, LANG_COOKIE_MAX_AGE_S)
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        """Ends every session of this person, in this browser and any other (a copied cookie
        included); the CSRF check has already found the session."""
        session = await self.session(request)
        if session is not None:
            await self.core.sessions.end_all(session.user_id, time.time())
            log.info("web: user %s logged out everywhere", session.user_id)
        response = web.HTTPSeeOther("/login")
        response.del_cookie(SESSION_COOKIE, path="/")
        raise response

    # --- the queue -----------------------------------------------------------------------------

    def _filters(
        self, request: web.Request
    ) -> tuple[CaseFilter, dict[str, str], list[str], PageAt]:
        q = request.query
        errors: list[str] = []
        status = q.get("status", "open")
        if status not in STATUS_CHOICES:
            errors.append(_("stato: «{value}» sconosciuto").format(value=status[:20]))
            status = "open"
        rule = q.get("rule", "").strip()[:100] or None
        channel = _snowflake(q.get("channel", ""), _("canale"), errors)
        member = _snowflake(q.get("member", ""), _("membro"), errors)
        since = _day(q.get("from", ""), _("dal"), errors)
        until = _day(q.get("to", ""), _("al"), errors)
        if until is not None:
            until += 86_400  # "to" is inclusive
        before = _snowflake(q.get("before", ""), "before", errors)
        after = _snowflake(q.get("after", ""), "after", errors) if before is None else None
        where = CaseFilter(
            statuses=STATUS_CHOICES[status],
            rule=rule,
            channel_id=channel,
            author_id=member,
            since=since,
            until=until,
        )
        shown = {
            "status": status,
            "rule": rule or "",
            "channel": str(channel or ""),
            "member": str(member or ""),
            "from": q.get("from", "")[:10] if since is not None else "",
            "to": q.get("to", "")[:10] if until is not None else "",
        }
        return where, shown, errors, PageAt(before=before, after=after)

    async def _queue_context(
        self, request: web.Request, session: Session, guild_id: int
    ) -> dict[str, Any]:
        where, shown, errors, at = self._filters(request)
        found = await self.core.review.search(guild_id, where, limit=PAGE_SIZE, at=at)
        query = {k: v for k, v in shown.items() if v}
        here = {"before": str(at.before)} if at.before else {}
        if at.after:
            here = {"after": str(at.after)}
        newer = older = None
        if found.cases and found.newer:
            newer = "?" + urlencode({**query, "after": str(found.cases[0].case_id)})
        if found.cases and found.older:
            older = "?" + urlencode({**query, "before": str(found.cases[-1].case_id)})
        return {
            "session": session,
            "guild_id": guild_id,
            "guild_name": await self.permissions.guild_name(guild_id),
            "found": found,
            "newest_link": "?" + urlencode(query) if at.before or at.after else None,
            "prev_link": newer,
            "next_link": older,
            "filters": shown,
            "query": urlencode({**query, **here}),
            "errors": errors,
            "statuses": status_labels(),
            "rules": [r.name for r in self.core.policy.rules(guild_id)],
            "timeouts": _timeouts(),
            "message": self._message(request),
        }

    async def queue(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        return self.page("queue.html", **await self._queue_context(request, session, guild_id))

    async def queue_rows(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        return self.page("queue_rows.html", **await self._queue_context(request, session, guild_id))

    async def case(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        case_id = self._case_id(request)
        case = await self.core.review.get(guild_id, case_id)
        if case is None:
            return self.page(
                "error.html",
                status=404,
                session=session,
                guild_id=guild_id,
                message=_("Nessun caso #{case_id} in questo server.").format(case_id=case_id),
            )
        audit = await self.core.review.audit(guild_id, case_id)
        earlier = await self.core.review.search(
            guild_id, CaseFilter(statuses=(), author_id=case.author_id), limit=20
        )
        return self.page(
            "case.html",
            session=session,
            guild_id=guild_id,
            guild_name=await self.permissions.guild_name(guild_id),
            case=case,
            audit=audit,
            earlier=[c for c in earlier.cases if c.case_id != case.case_id],
            timeouts=_timeouts(),
            message=self._message(request),
            query="",
        )

    @staticmethod
    def _case_id(request: web.Request) -> int:
        try:
            return int(request.match_info["case"])
        except ValueError:
            raise web.HTTPNotFound() from None

    async def decide(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Claim, confirm or dismiss: the same idempotent decision as a click in Discord."""
        case_id = self._case_id(request)
        form = await request.post()
        back = str(form.get("next", ""))
        if not back.startswith(f"/g/{guild_id}/") or "//" in back or "\\" in back:
            back = f"/g/{guild_id}/case/{case_id}"
        try:
            action = ReviewAction(str(form.get("action", "")))
        except ValueError:
            return self.page(
                "error.html",
                status=400,
                session=session,
                guild_id=guild_id,
                message=_("Azione sconosciuta."),
            )
        decision = None
        if action is ReviewAction.CONFIRM:
            try:
                timeout_s = int(str(form.get("timeout_s", "0") or "0"))
            except ValueError:
                timeout_s = -1
            if timeout_s not in TIMEOUT_CHOICES_S:
                return self.page(
                    "error.html",
                    status=400,
                    session=session,
                    guild_id=guild_id,
                    message=_("Durata del timeout non valida."),
                )
            decision = Decision(delete_message=form.get("delete") == "on", timeout_s=timeout_s)
        if await self.core.review.get(guild_id, case_id) is None:
            return self.page(
                "error.html",
                status=404,
                session=session,
                guild_id=guild_id,
                message=_("Nessun caso #{case_id} in questo server.").format(case_id=case_id),
            )
        result = await self.core.review.decide(
            guild_id, case_id, action, session.user_id, self.clock(), decision, origin="web"
        )
        outcome = "applied" if result.applied else "late"
        log.info(
            "web: %s of case %s in guild %s by user %s: %s",
            action.value,
            case_id,
            guild_id,
            session.user_id,
            outcome,
        )
        joiner = "&" if "?" in back else "?"
        said = decision_said(action.value if result.applied else "late")
        raise web.HTTPSeeOther(back + joiner + self._flash(said.format(case_id=case_id)))

    # --- the policy ------------------------------------------------------------------------------

    async def _policy_context(
        self, session: Session, guild_id: int, **extra: Any
    ) -> dict[str, Any]:
        await self.core.policy.seed(guild_id)
        spec = self.core.policy.spec(guild_id)
        context = {
            "session": session,
            "guild_id": guild_id,
            "guild_name": await self.permissions.guild_name(guild_id),
            "spec": spec,
            "yaml": self.core.policy.export_yaml(guild_id),
            "history": await self.core.policy.history(guild_id),
            "off": self.core.policy.flagging_off(guild_id),
            "test_text": "",
            "test_lines": None,
            "problems": None,
            "diff": None,
            "backtest": None,
            "proposed": None,
            "message": "",
        }
        context.update(extra)
        return context

    async def policy(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        context = await self._policy_context(session, guild_id, message=self._message(request))
        return self.page("policy.html", **context)

    async def policy_test(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        form = await request.post()
        text = str(form.get("text", ""))[:4000]
        verdict = await self.core.policy.evaluate(guild_id, text)
        lines = explain(verdict, text) if text.strip() else []
        context = await self._policy_context(session, guild_id, test_text=text, test_lines=lines)
        return self.page("policy.html", **context)

    async def _proposed_yaml(self, request: web.Request) -> str:
        form = await request.post()
        upload = form.get("file")
        if isinstance(upload, web.FileField) and upload.filename:
            raw = upload.file.read(POLICY_MAX_BYTES + 1)
            if len(raw) > POLICY_MAX_BYTES:
                too_big = _("il file supera {kib} KiB").format(kib=POLICY_MAX_BYTES // 1024)
                raise PolicyError([too_big])
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise PolicyError([str(texts.CLI_FILE_NOT_UTF8)]) from None
        return str(form.get("yaml", ""))

    async def policy_preview(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Validation, a diff against the policy in force and a backtest, before saving."""
        try:
            proposed = await self._proposed_yaml(request)
            spec = load_policy_text(proposed)
            report = await backtest(self.core, guild_id, proposed)
        except PolicyError as exc:
            context = await self._policy_context(session, guild_id, problems=exc.problems)
            return self.page("policy.html", status=400, **context)
        current = self.core.policy.export_yaml(guild_id)
        normalised = dump_policy(spec)
        diff = list(
            difflib.unified_diff(
                current.splitlines(),
                normalised.splitlines(),
                _("in vigore"),
                _("proposta"),
                lineterm="",
                n=2,
            )
        )
        context = await self._policy_context(
            session,
            guild_id,
            diff=diff,
            backtest=backtest_body(report, 20),
            proposed=proposed,
            base_version=self.core.policy.version(guild_id),
        )
        return self.page("policy.html", **context)

    async def policy_apply(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        form = await request.post()
        proposed = str(form.get("yaml", ""))
        base = str(form.get("base_version", ""))
        if base != str(self.core.policy.version(guild_id)):
            context = await self._policy_context(
                session,
                guild_id,
                problems=(
                    _("La policy è cambiata nel frattempo: rivedi le differenze e riprova."),
                ),
            )
            return self.page("policy.html", status=409, **context)
        try:
            result = await self.core.policy.import_policy(guild_id, proposed, session.user_id)
        except PolicyError as exc:
            context = await self._policy_context(session, guild_id, problems=exc.problems)
            return self.page("policy.html", status=400, **context)
        except UserFacingError as exc:  # PolicyFlagsNothingError: said in words
            context = await self._policy_context(session, guild_id, problems=(str(exc),))
            return self.page("policy.html", status=400, **context)
        log.info(
            "web: policy of guild %s set to v%s by user %s",
            guild_id,
            result.spec.version,
            session.user_id,
        )
        raise web.HTTPSeeOther(f"/g/{guild_id}/policy?" + self._flash(" ".join(result.lines())))

    async def policy_rollback(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        form = await request.post()
        try:
            version = int(str(form.get("version", "")))
            spec = await self.core.policy.rollback(guild_id, version, session.user_id)
        except ValueError:
            context = await self._policy_context(session, guild_id, problems=(_("Versione?"),))
            return self.page("policy.html", status=400, **context)
        except UserFacingError as exc:
            problems = exc.problems if isinstance(exc, PolicyError) else (str(exc),)
            context = await self._policy_context(session, guild_id, problems=problems)
            return self.page("policy.html", status=400, **context)
        log.info(
            "web: policy of guild %s rolled back to v%s (now v%s) by user %s",
            guild_id,
            version,
            spec.version,
            session.user_id,
        )
        message = _("Policy riportata alla v{version}: ora in vigore la v{now}.").format(
            version=version, now=spec.version
        )
        raise web.HTTPSeeOther(f"/g/{guild_id}/policy?" + self._flash(message))

    async def policy_export(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        await self.core.policy.seed(guild_id)
        version = self.core.policy.version(guild_id)
        return web.Response(
            text=self.core.policy.export_yaml(guild_id),
            content_type="application/yaml",
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="policy-{guild_id}-v{version}.yaml"'
            },
        )

    # --- knowledge ----------------------------------------------------------------------------

    async def _knowledge_page(
        self,
        request: web.Request,
        session: Session,
        guild_id: int,
        *,
        status: int = 200,
        problems: tuple[str, ...] = (),
        form: dict[str, str] | None = None,
    ) -> web.Response:
        knowledge = self.core.knowledge
        try:
            page = max(1, int(request.query.get("page", "1")))
        except ValueError:
            page = 1
        unanswered = await knowledge.learning.unanswered(guild_id, page=page)
        return self.page(
            "knowledge.html",
            status=status,
            session=session,
            guild_id=guild_id,
            guild_name=await self.permissions.guild_name(guild_id),
            faqs=await knowledge.faq_entries(guild_id),
            versions=await knowledge.faq_history(guild_id, limit=FAQ_VERSIONS_SHOWN),
            articles=(await knowledge.articles(guild_id))[:ARTICLES_SHOWN],
            feeds=await knowledge.feeds(guild_id),
            channels=await self.permissions.channel_names(guild_id),
            upload_kb=UPLOAD_MAX_BYTES // 1000,
            unanswered=unanswered,
            reasons={i.item_id: item_fields(i).reasons for i in unanswered.items},
            answers=await knowledge.learning.stats(guild_id),
            problems=problems,
            form=form or {},
            message=self._message(request),
        )

    async def knowledge(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        return await self._knowledge_page(request, session, guild_id)

    @staticmethod
    def _lines(value: object) -> list[str]:
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]

    @classmethod
    def _faq_too_long(cls, form: Any) -> str | None:
        """What Discord's /faq form refuses by its fields' lengths, said in words (the web
        refuses too, rather than cut what the moderator wrote)."""
        found = faq_too_long(
            str(form.get("question", "")).strip(),
            str(form.get("answer", "")).strip(),
            cls._lines(form.get("variants")),
            cls._lines(form.get("links")),
        )
        if found is None:
            return None
        name, length, most = found
        field = faq_field(name.split("[")[0])
        return _(
            "«{field}» ha {length} caratteri, al massimo {most}: non è stato salvato nulla."
        ).format(field=field, length=length, most=most)

    def _done(self, guild_id: int, message: str) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(f"/g/{guild_id}/knowledge?" + self._flash(message))

    async def faq_add(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """A new FAQ entry, with the same validation as /faq add in Discord."""
        form = await request.post()
        fields = {k: str(form.get(k, "")) for k in ("question", "answer", "variants", "links")}
        too_long = self._faq_too_long(form)
        if too_long is not None:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(too_long,), form=fields
            )
        try:
            entry = await self.core.knowledge.add_faq(
                guild_id,
                fields["question"],
                fields["answer"],
                variants=self._lines(fields["variants"]),
                links=self._lines(fields["links"]),
                author_id=session.user_id,
            )
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),), form=fields
            )
        log.info("web: FAQ %s added in guild %s by user %s", entry.key, guild_id, session.user_id)
        raise self._done(guild_id, _("FAQ «{key}» aggiunta.").format(key=entry.key))

    async def faq_change(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        key = request.match_info["key"]
        form = await request.post()
        too_long = None if form.get("action") == "delete" else self._faq_too_long(form)
        if too_long is not None:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(too_long,)
            )
        try:
            if form.get("action") == "delete":
                await self.core.knowledge.remove_faq(guild_id, key, author_id=session.user_id)
                message = _("FAQ «{key}» eliminata.").format(key=key)
            else:
                await self.core.knowledge.edit_faq(
                    guild_id,
                    key,
                    question=str(form.get("question", "")),
                    answer=str(form.get("answer", "")),
                    variants=self._lines(form.get("variants")),
                    links=self._lines(form.get("links")),
                    author_id=session.user_id,
                )
                message = _("FAQ «{key}» modificata.").format(key=key)
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        log.info("web: FAQ %s changed in guild %s by user %s", key, guild_id, session.user_id)
        raise self._done(guild_id, message)

    async def faq_restore(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Put an earlier version of a FAQ entry back (the one it replaces is kept in turn)."""
        try:
            version = int(request.match_info["version"])
        except ValueError:
            raise web.HTTPNotFound() from None
        try:
            entry = await self.core.knowledge.restore_faq(
                guild_id, version, author_id=session.user_id
            )
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        log.info(
            "web: FAQ version %s restored in guild %s by user %s",
            version,
            guild_id,
            session.user_id,
        )
        message = _("FAQ «{key}» rimessa com'era nella versione #{version}.")
        raise self._done(guild_id, message.format(key=entry.key, version=version))

    async def unanswered(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Attach a question to an entry, write an entry from it, or dismiss it."""
        learning = self.core.knowledge.learning
        try:
            item_id = int(request.match_info["item"])
        except ValueError:
            raise web.HTTPNotFound() from None
        form = await request.post()
        action = form.get("action")
        try:
            if action == "attach":
                decided = await learning.attach(
                    guild_id, item_id, str(form.get("key", "")), session.user_id
                )
            elif action == "write":
                decided = await learning.write_faq(
                    guild_id, item_id, str(form.get("answer", "")), session.user_id
                )
            elif action == "dismiss":
                decided = await learning.dismiss(guild_id, item_id, session.user_id)
            else:
                return await self._knowledge_page(
                    request, session, guild_id, status=400, problems=(_("Azione sconosciuta."),)
                )
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        log.info(
            "web: question %s %s in guild %s by user %s (applied=%s)",
            item_id,
            action,
            guild_id,
            session.user_id,
            decided.applied,
        )
        if decided.applied:
            done = _("Domanda #{item_id}: fatto.")
        else:
            done = _("Domanda #{item_id}: già deciso da un altro moderatore.")
        raise self._done(guild_id, done.format(item_id=item_id))

    # --- knowledge: feeds, sync, import ---------------------------------------------------------

    async def _channel(self, raw: str, guild_id: int, field: str, errors: list[str]) -> int | None:
        """A channel id typed in a form; one the dashboard knows is not in the server is refused."""
        channel_id = _snowflake(raw, field, errors)
        if channel_id is None:
            return None
        names = await self.permissions.channel_names(guild_id)
        if names and channel_id not in names:
            errors.append(
                _("{field}: nessun canale {id} in questo server.").format(
                    field=field, id=channel_id
                )
            )
            return None
        return channel_id

    async def _channel_label(self, guild_id: int, channel_id: int) -> str:
        name = (await self.permissions.channel_names(guild_id)).get(channel_id)
        return f"#{name}" if name else str(channel_id)

    async def feeds(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Follow a feed (imported now, then polled) or stop following one, as /articles feed."""
        form = await request.post()
        url = str(form.get("url", "")).strip()
        if form.get("action") == "unfollow":
            removed = await self.core.knowledge.unfollow_feed(guild_id, url)
            log.info(
                "web: feed unfollowed in guild %s by user %s (removed=%s)",
                guild_id,
                session.user_id,
                removed,
            )
            template = texts.KB_FEED_UNFOLLOWED if removed else texts.KB_FEED_NOT_FOUND
            raise self._done(guild_id, template.format(url=url))
        errors: list[str] = []
        if not url:
            errors.append(_("Scrivi l'indirizzo del feed."))
        elif len(url) > FEED_URL_MAX:
            errors.append(
                _("L'indirizzo del feed supera {most} caratteri.").format(most=FEED_URL_MAX)
            )
        channel_id = await self._channel(
            str(form.get("channel", "")), guild_id, _("canale degli annunci"), errors
        )
        fields = {"feed_url": url[:FEED_URL_MAX], "feed_channel": str(form.get("channel", ""))[:30]}
        if errors:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=tuple(errors), form=fields
            )
        try:
            report = await self.core.knowledge.follow_feed(guild_id, url, channel_id)
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),), form=fields
            )
        log.info("web: feed followed in guild %s by user %s", guild_id, session.user_id)
        if channel_id is not None:
            channel = await self._channel_label(guild_id, channel_id)
            done = texts.KB_FEED_FOLLOWED.format(url=url, channel=channel)
        else:
            done = texts.KB_FEED_FOLLOWED_QUIET.format(url=url)
        raise self._done(guild_id, "\n".join([done, *render_report(report)]))

    async def sync(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Import the configured sources and this server's feeds again (/articles sync)."""
        try:
            reports = await self.core.knowledge.sync(guild_id)
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        log.info(
            "web: knowledge synced for guild %s by user %s (%d sources)",
            guild_id,
            session.user_id,
            len(reports),
        )
        if not reports:
            raise self._done(guild_id, str(texts.KB_SYNC_NO_SOURCES))
        lines = [line for report in reports for line in render_report(report)]
        raise self._done(guild_id, "\n".join(lines))

    async def import_file(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """An uploaded article, FAQ file or WordPress export, into this server's knowledge: a
        malformed file is refused with the core's words and writes nothing."""
        form = await request.post()
        upload = form.get("file")
        problem = None
        name = ""
        data = b""
        if not isinstance(upload, web.FileField) or not upload.filename:
            problem = _("Scegli un file da importare.")
        else:
            # The name only (a browser may send a path), as the core reads its format from it.
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
            data = upload.file.read(UPLOAD_MAX_BYTES + 1)
            if not name.lower().endswith(IMPORT_SUFFIXES):
                problem = _(
                    "Importa un articolo Markdown (.md), un file di FAQ (.yaml o .yml) o un "
                    "export di WordPress (.xml)."
                )
            elif len(data) > UPLOAD_MAX_BYTES:
                problem = _("Il file supera {kb} kB: non è stato importato nulla.").format(
                    kb=UPLOAD_MAX_BYTES // 1000
                )
        if problem is not None:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(problem,)
            )
        try:
            report = await self.core.knowledge.import_file(name, data, guild_id)
        except UserFacingError as exc:
            return await self._knowledge_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        log.info(
            "web: file imported in guild %s by user %s (%d bytes)",
            guild_id,
            session.user_id,
            len(data),
        )
        raise self._done(guild_id, "\n".join(render_report(report)))

    # --- settings ---------------------------------------------------------------------------------

    async def _settings_page(
        self,
        request: web.Request,
        session: Session,
        guild_id: int,
        *,
        status: int = 200,
        problems: tuple[str, ...] = (),
        form: dict[str, str] | None = None,
        learned: dict[str, Any] | None = None,
    ) -> web.Response:
        settings = await self.core.review.settings(guild_id)
        channels = await self.permissions.channel_names(guild_id)
        answering = await self.core.knowledge.answer_channels(guild_id)
        shown = {
            "review_channel": str(settings.review_channel_id or ""),
            "nudge_mode": settings.nudge_mode,
            "retention_days": str(settings.retention_days),
            "language": settings.language,
        }
        return self.page(
            "settings.html",
            status=status,
            session=session,
            guild_id=guild_id,
            guild_name=await self.permissions.guild_name(guild_id),
            settings=settings,
            form={**shown, **(form or {})},
            channels=channels,
            answering=sorted(answering),
            nudge_modes=[(m, str(texts.NUDGE_MODE_LABELS[m])) for m in NUDGE_MODES],
            languages=[(code, str(texts.LANGUAGE_NAMES[code])) for code in i18n.LANGUAGES],
            retention=(RETENTION_DAYS_MIN, RETENTION_DAYS_MAX),
            off=self.core.policy.flagging_off(guild_id),
            learned=learned,
            problems=problems,
            message=self._message(request),
        )

    def _settings_done(self, guild_id: int, message: str) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(f"/g/{guild_id}/settings?" + self._flash(message))

    async def settings(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        return await self._settings_page(request, session, guild_id)

    async def _review_channel(
        self, raw: str, current: GuildSettings, errors: list[str]
    ) -> int | None:
        """A new review channel, refused as /setup refuses it when Rete cannot post there (asked
        of the front-end now, at the change); None when unchanged or wrong."""
        field = _("canale di revisione")
        channel_id = await self._channel(raw, current.guild_id, field, errors)
        if channel_id is None or channel_id == current.review_channel_id:
            return None
        if not await self.permissions.can_post_reviews(current.guild_id, channel_id):
            errors.append(
                _(
                    "{field}: Rete non può scrivere in {channel}. Le servono i permessi "
                    "Visualizzare i canali, Inviare messaggi e Incorporare link in quel canale."
                ).format(
                    field=field, channel=await self._channel_label(current.guild_id, channel_id)
                )
            )
            return None
        return channel_id

    async def _settings_changes(
        self, fields: dict[str, str], current: GuildSettings, errors: list[str]
    ) -> dict[str, object]:
        """The settings a form changes (language apart: see `settings_save`), each checked
        as /setup checks it; what is wrong goes into `errors`."""
        changes: dict[str, object] = {}
        if fields["review_channel"]:
            channel_id = await self._review_channel(fields["review_channel"], current, errors)
            if channel_id is not None:
                changes["review_channel_id"] = channel_id
        if fields["nudge_mode"] not in NUDGE_MODES:
            errors.append(
                _("Promemoria: «{value}» sconosciuto.").format(value=fields["nudge_mode"])
            )
        elif fields["nudge_mode"] != current.nudge_mode:
            changes["nudge_mode"] = fields["nudge_mode"]
        days = fields["retention_days"]
        if not (days.isascii() and days.isdigit()) or not (
            RETENTION_DAYS_MIN <= int(days) <= RETENTION_DAYS_MAX
        ):
            errors.append(str(texts.SETUP_RETENTION_RANGE))
        elif int(days) != current.retention_days:
            changes["retention_days"] = int(days)
        if not i18n.is_lang(fields["language"]):
            errors.append(_("Lingua: «{value}» sconosciuta.").format(value=fields["language"]))
        return changes

    async def settings_save(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """The review channel, the nudges, the retention and the language, as /setup sets them:
        all checked first, and nothing saved if one is wrong."""
        form = await request.post()
        fields = {
            k: str(form.get(k, "")).strip()[:30]
            for k in ("review_channel", "nudge_mode", "retention_days", "language")
        }
        current = await self.core.review.settings(guild_id)
        errors: list[str] = []
        changes = await self._settings_changes(fields, current, errors)
        if errors:
            return await self._settings_page(
                request, session, guild_id, status=400, problems=tuple(errors), form=fields
            )
        language = fields["language"]
        new_language = language if i18n.is_lang(language) else None
        if new_language == current.language:
            new_language = None
        try:
            if changes:
                await self.core.review.update_settings(guild_id, **changes)
            if new_language is not None:
                await self.set_language(guild_id, new_language)
                changes["language"] = new_language
        except UserFacingError as exc:
            return await self._settings_page(
                request, session, guild_id, status=400, problems=(str(exc),), form=fields
            )
        if not changes:
            raise self._settings_done(guild_id, _("Nessuna modifica."))
        log.info(
            "web: settings of guild %s changed by user %s: %s",
            guild_id,
            session.user_id,
            ", ".join(sorted(changes)),
        )
        # Unless the person chose a language, the next page reads in the server's new one.
        chosen = request.get(LANG_CHOSEN)
        with i18n.using(new_language if new_language and not chosen else i18n.current()):
            raise self._settings_done(guild_id, _("Impostazioni salvate."))

    async def answer_channel(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Rete answers questions by itself in a channel, or stops (/answers channel)."""
        form = await request.post()
        state = form.get("state")
        errors: list[str] = []
        if state not in ("on", "off"):
            errors.append(_("Azione sconosciuta."))
        raw = str(form.get("channel", ""))
        channel_id = await self._channel(raw, guild_id, _("canale"), errors)
        if channel_id is None and not errors:
            errors.append(_("Scrivi l'id del canale."))
        if errors or channel_id is None:
            return await self._settings_page(
                request, session, guild_id, status=400, problems=tuple(errors)
            )
        enabled = state == "on"
        await self.core.knowledge.set_answer_channel(guild_id, channel_id, enabled=enabled)
        log.info(
            "web: answer channel %s %s in guild %s by user %s",
            channel_id,
            state,
            guild_id,
            session.user_id,
        )
        template = texts.KB_ANSWER_CHANNEL_ON if enabled else texts.KB_ANSWER_CHANNEL_OFF
        channel = await self._channel_label(guild_id, channel_id)
        raise self._settings_done(guild_id, template.format(channel=channel))

    @staticmethod
    def _proposal_key(proposal: Proposal) -> str:
        """What a moderator saw: the policy version, the decisions and the weights proposed (the
        same decisions on the same version give the same proposal)."""
        seen = (
            proposal.base_version,
            proposal.labels,
            proposal.after.threshold,
            proposal.changed_weights(),
        )
        return hashlib.sha256(repr(seen).encode()).hexdigest()[:32]

    async def learn(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        """Weights learned from the decisions: first what would change (nothing is applied),
        then, on the button under it, applied as a new policy version (as /policy learn)."""
        form = await request.post()
        apply = form.get("action") == "apply"
        try:
            proposal = await flows.learn_from_decisions(self.core, guild_id)
        except UserFacingError as exc:
            return await self._settings_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        key = self._proposal_key(proposal)
        if apply and form.get("key") != key:
            lines = describe_proposal(proposal)
            learned = {"lines": lines, "key": key, "changes": proposal.changes}
            stale = _("Le decisioni o la policy sono cambiate nel frattempo: rivedi e riprova.")
            return await self._settings_page(
                request, session, guild_id, status=409, problems=(stale,), learned=learned
            )
        try:
            lines = await flows.learn_and_maybe_accept(
                self.core,
                guild_id,
                proposal,
                accept=apply,
                actor_id=session.user_id,
                how_to_accept=_("Niente è cambiato ancora. Per applicarli: «Applica questi pesi»."),
            )
        except PolicyError as exc:
            return await self._settings_page(
                request, session, guild_id, status=409, problems=exc.problems
            )
        except UserFacingError as exc:
            return await self._settings_page(
                request, session, guild_id, status=400, problems=(str(exc),)
            )
        if not apply:
            learned = {"lines": lines, "key": key, "changes": proposal.changes}
            return await self._settings_page(request, session, guild_id, learned=learned)
        log.info(
            "web: learned weights applied in guild %s by user %s (changes=%s)",
            guild_id,
            session.user_id,
            proposal.changes,
        )
        raise self._settings_done(guild_id, lines[-1])

    # --- stats -----------------------------------------------------------------------------------

    async def _stats_tables(
        self, guild_id: int
    ) -> dict[str, tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
        since = self.clock() - 30 * 86_400
        days = await self.core.review.flags_per_day(guild_id, since)
        stats = await self.core.review.stats(guild_id)
        answers = await self.core.knowledge.learning.stats(guild_id)
        return {
            "flags": (
                _("Segnalazioni al giorno (30 giorni)"),
                (_("giorno"), _("casi")),
                [(d.day, d.count) for d in days],
            ),
            "decisions": (
                _("Decisioni per regola"),
                (_("regola"), _("confermati"), _("archiviati")),
                [(r.rule, r.confirmed, r.dismissed) for r in stats.rules],
            ),
            "precision": (
                _("Precisione per regola (confermati / decisi)"),
                (_("regola"), _("precisione"), _("decisi")),
                [
                    (r.rule, round(r.precision, 3), r.decided)
                    for r in stats.rules
                    if r.precision is not None
                ],
            ),
            "answers": (
                _("Risposte date e astensioni"),
                (_("esito"), _("domande")),
                [(_("risposte"), answers.answered), (_("astensioni"), answers.abstained)],
            ),
            "votes": (
                _("Voti per fonte: utili e non utili"),
                (_("fonte"), _("utili"), _("non utili")),
                [(s.source, s.helpful, s.unhelpful) for s in answers.sources],
            ),
        }

    async def stats(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        tables = await self._stats_tables(guild_id)
        charts = []
        for name, (title, header, rows) in tables.items():
            if name == "decisions":
                points = [(f"{r[0]} ✓", float(r[1])) for r in rows] + [
                    (f"{r[0]} ✗", float(r[2])) for r in rows
                ]
                points.sort(key=lambda p: p[0])
                chart = render.bar_chart(title, points)
            elif name == "precision":
                chart = render.bar_chart(
                    title, [(r[0], float(r[1])) for r in rows], fmt="{:.0%}", top=1.0
                )
            elif name == "votes":
                helpful, unhelpful = _("{source} sì"), _("{source} no")
                points = [(helpful.format(source=r[0]), float(r[1])) for r in rows] + [
                    (unhelpful.format(source=r[0]), float(r[2])) for r in rows
                ]
                points.sort(key=lambda p: p[0])
                chart = render.bar_chart(title, points)
            else:
                chart = render.bar_chart(title, [(str(r[0]), float(r[1])) for r in rows])
            charts.append((name, chart, header, rows))
        return self.page(
            "stats.html",
            session=session,
            guild_id=guild_id,
            guild_name=await self.permissions.guild_name(guild_id),
            charts=charts,
        )

    async def stats_csv(
        self, request: web.Request, session: Session, guild_id: int
    ) -> web.StreamResponse:
        tables = await self._stats_tables(guild_id)
        name = request.match_info["name"]
        if name not in tables:
            raise web.HTTPNotFound()
        _title, header, rows = tables[name]
        return web.Response(
            text=render.to_csv(header, rows),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}-{guild_id}.csv"'},
        )


class WebServer:
    """The dashboard on the running event loop (the bot's, or `rete web`'s)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # No access log: URLs carry OAuth2 codes and one-time login tokens.
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("web dashboard on http://%s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
