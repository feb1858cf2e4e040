"""The fake gateway: HELLO, IDENTIFY → READY, heartbeats, sequence numbers, RESUME with replay.

One `Session` per IDENTIFY. Every dispatch gets the session's next sequence number and is kept
in a bounded buffer, so a client that lost its connection and RESUMEs gets exactly the
dispatches it missed, in order, then RESUMED. Frames are plain JSON text or, when the client
asks for `compress=zlib-stream`, one zlib stream per connection flushed with Z_SYNC_FLUSH.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakediscord import models as m

log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# A client closing with these codes ends its session (Discord will not let it RESUME).
_SESSION_ENDING_CLOSES = {1000, 1001}

# Which intent an event needs; events not listed are always sent.
_GUILD_EVENTS_INTENT = {
    "GUILD_CREATE": m.INTENT_GUILDS,
    "GUILD_UPDATE": m.INTENT_GUILDS,
    "GUILD_DELETE": m.INTENT_GUILDS,
    "GUILD_ROLE_CREATE": m.INTENT_GUILDS,
    "GUILD_ROLE_UPDATE": m.INTENT_GUILDS,
    "GUILD_ROLE_DELETE": m.INTENT_GUILDS,
    "CHANNEL_CREATE": m.INTENT_GUILDS,
    "CHANNEL_UPDATE": m.INTENT_GUILDS,
    "CHANNEL_DELETE": m.INTENT_GUILDS,
    "THREAD_CREATE": m.INTENT_GUILDS,
    "THREAD_UPDATE": m.INTENT_GUILDS,
    "THREAD_DELETE": m.INTENT_GUILDS,
    "GUILD_MEMBER_ADD": m.INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": m.INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": m.INTENT_GUILD_MEMBERS,
}
_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
_REACTION_EVENTS = {
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
}


def wanted(intents: int, event: str, data: dict[str, Any]) -> bool:
    """Whether a client that identified with `intents` receives this event."""
    if event in _GUILD_EVENTS_INTENT:
        return bool(intents & _GUILD_EVENTS_INTENT[event])
    in_guild = "guild_id" in data
    if event in _MESSAGE_EVENTS:
        return bool(intents & (m.INTENT_GUILD_MESSAGES if in_guild else m.INTENT_DIRECT_MESSAGES))
    if event in _REACTION_EVENTS:
        flag = m.INTENT_GUILD_MESSAGE_REACTIONS if in_guild else m.INTENT_DIRECT_MESSAGE_REACTIONS
        return bool(intents & flag)
    return True


@dataclass(frozen=True)
class GatewayEvent:
    """One entry of the gateway log: what a client sent or what happened to a connection."""

    kind: str  # IDENTIFY, RESUME, RESUMED, READY, HEARTBEAT, INVALID_SESSION, CLOSED, …
    session_id: str | None
    at: float
    detail: dict[str, Any] = field(default_factory=dict)


class Connection:
    """One WebSocket: serialises frames and owns the connection's zlib stream."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, *, zlib_stream: bool):
        self.ws = ws
        self.request = request
        self._compressor = zlib.compressobj() if zlib_stream else None
        self.lock = asyncio.Lock()
        self.session: Session | None = None
        self.dropped_by_fake = False

    @property
    def open(self) -> bool:
        return not self.ws.closed

    async def send_text(self, text: str) -> None:
        """Send one frame; call with `self.lock` held so zlib frames stay in order."""
        if self._compressor is not None:
            data = self._compressor.compress(text.encode("utf-8"))
            data += self._compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(text)

    async def send_op(self, op: int, d: Any) -> None:
        async with self.lock:
            await self.send_text(json.dumps({"op": op, "d": d, "s": None, "t": None}))

    def abort(self) -> None:
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class Session:
    """A gateway session: sequence, buffered dispatches, and the connection it is on (if any)."""

    def __init__(
        self, intents: int, *, user_id: int, buffer_size: int, shard: tuple[int, ...] | None
    ) -> None:
        self.id = uuid.uuid4().hex
        self.user_id = user_id
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.buffer: collections.deque[tuple[int, str]] = collections.deque(maxlen=buffer_size)
        self.conn: Connection | None = None
        self.alive = True  # False once ended: a RESUME of it gets INVALID_SESSION
        self.lock = asyncio.Lock()
        self.dispatched = 0

    def frame(self, event: str, data: Any) -> str:
        self.seq += 1
        text = json.dumps({"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data})
        self.buffer.append((self.seq, text))
        return text

    async def dispatch(self, event: str, data: Any) -> bool:
        """Queue `event` for this session; send it now if connected. Returns True if sent."""
        if not wanted(self.intents, event, data):
            return False
        if not self.intents & m.INTENT_MESSAGE_CONTENT and event in (
            "MESSAGE_CREATE",
            "MESSAGE_UPDATE",
        ):
            data = _without_content(data, self.user_id)
        async with self.lock:
            text = self.frame(event, data)
            self.dispatched += 1
            conn = self.conn
            if conn is None:
                return False
            async with conn.lock:
                try:
                    await conn.send_text(text)
                except (ConnectionResetError, RuntimeError):
                    # The frame stays in the buffer: a RESUME will replay it.
                    return False
            return True

    def missed_since(self, seq: int) -> list[str] | None:
        """Frames after `seq`, or None when some were already dropped from the buffer."""
        if seq >= self.seq:
            return []
        if not self.buffer or self.buffer[0][0] > seq + 1:
            return None
        return [text for s, text in self.buffer if s > seq]


def _without_content(data: dict[str, Any], bot_id: int) -> dict[str, Any]:
    """What a client without the MESSAGE_CONTENT intent receives (mentions and DMs excepted)."""
    if "guild_id" not in data or str(data.get("author", {}).get("id")) == str(bot_id):
        return data
    if any(str(u.get("id")) == str(bot_id) for u in data.get("mentions") or []):
        return data
    return {
        **data,
        "content": "",
        "embeds": [],
        "attachments": [],
        "components": [],
    }


class Gateway:
    """Accepts WebSocket connections and runs the protocol; the server owns the world."""

    def __init__(
        self,
        *,
        token: Callable[[], str],
        bot_id: Callable[[], int],
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[Session], list[dict[str, Any]]],
        member_chunk: Callable[[dict[str, Any]], list[dict[str, Any]]],
    ) -> None:
        self._token = token
        self._bot_id = bot_id
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._member_chunk = member_chunk
        self.sessions: list[Session] = []
        self.connections: list[Connection] = []
        self.log: list[GatewayEvent] = []
        self.heartbeat_interval_ms = 41_250
        self.buffer_size = 100_000
        self.privileged_intents = m.INTENT_MESSAGE_CONTENT  # as enabled in the Developer Portal
        self.ack_heartbeats = True
        self._changed = asyncio.Event()

    # -- bookkeeping -----------------------------------------------------------------------

    def _note(self, kind: str, session: Session | None, **detail: Any) -> None:
        self.log.append(
            GatewayEvent(kind, session.id if session else None, time.perf_counter(), detail)
        )
        self._changed.set()

    async def wait_for(self, kind: str, *, since: int = 0, timeout: float = 5.0) -> GatewayEvent:
        """The first gateway log entry of `kind` at index ≥ `since`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for event in self.log[since:]:
                if event.kind == kind:
                    return event
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                kinds = [e.kind for e in self.log[-15:]]
                raise TimeoutError(f"no gateway {kind} within {timeout}s; last: {kinds}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions if s.alive]

    def connected_sessions(self) -> list[Session]:
        return [s for s in self.sessions if s.alive and s.conn is not None]

    async def dispatch(self, event: str, data: Any) -> int:
        """Send to every live session (buffered while disconnected). Returns sessions sent to."""
        sent = 0
        for session in self.live_sessions():
            if await session.dispatch(event, data):
                sent += 1
        return sent

    # -- faults ----------------------------------------------------------------------------

    async def drop(self, *, code: int = 4000, abort: bool = False) -> int:
        """Close every connection as Discord does when it restarts a node; sessions survive."""
        conns = [c for c in self.connections if c.open]
        for conn in conns:
            conn.dropped_by_fake = True
            self._note("DROPPED", conn.session, code=code, abort=abort)
            session = conn.session
            if session is not None:
                # From now on dispatches are only buffered: the RESUME will replay them.
                async with session.lock:
                    if session.conn is conn:
                        session.conn = None
            if abort:
                conn.abort()
            else:
                async with conn.lock:
                    await conn.ws.close(code=code, message=b"fake: dropped")
        return len(conns)

    async def invalidate(self) -> int:
        """Op 9 (not resumable): the client must IDENTIFY afresh."""
        count = 0
        for session in self.live_sessions():
            session.alive = False
            conn = session.conn
            session.conn = None
            self._note("INVALID_SESSION", session, by="fake")
            if conn is not None and conn.open:
                await conn.send_op(OP_INVALID_SESSION, False)
                count += 1
        return count

    async def request_reconnect(self) -> int:
        """Op 7: the client closes and RESUMEs."""
        count = 0
        for conn in [c for c in self.connections if c.open]:
            self._note("RECONNECT", conn.session)
            await conn.send_op(OP_RECONNECT, None)
            count += 1
        return count

    async def close_all(self) -> None:
        for conn in list(self.connections):
            if conn.open:
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=1001, message=b"fake: shutting down")

    # -- protocol --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request, zlib_stream=request.query.get("compress") == "zlib-stream")
        self.connections.append(conn)
        self._note("CONNECTED", None, query=dict(request.query))
        try:
            await conn.send_op(OP_HELLO, {"heartbeat_interval": self.heartbeat_interval_ms})
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._received(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._closed(conn)
        return ws

    def _closed(self, conn: Connection) -> None:
        code = conn.ws.close_code
        session = conn.session
        self._note("CLOSED", session, code=code)
        if conn in self.connections:
            self.connections.remove(conn)
        if session is not None and session.conn is conn:
            session.conn = None
            if code in _SESSION_ENDING_CLOSES and not conn.dropped_by_fake:
                session.alive = False

    async def _received(self, conn: Connection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == OP_HEARTBEAT:
            self._note("HEARTBEAT", conn.session, seq=data)
            if self.ack_heartbeats:
                await conn.send_op(OP_HEARTBEAT_ACK, None)
        elif op == OP_IDENTIFY:
            await self._identify(conn, data)
        elif op == OP_RESUME:
            await self._resume(conn, data)
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(conn, data)
        elif op == OP_PRESENCE:
            self._note("PRESENCE", conn.session)
        else:
            self._note("UNKNOWN_OP", conn.session, op=op)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self._token():
            self._note("AUTH_FAILED", None)
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & m.PRIVILEGED_INTENTS & ~self.privileged_intents:
            self._note("DISALLOWED_INTENTS", None, intents=intents)
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = tuple(int(x) for x in data["shard"]) if data.get("shard") else None
        # A new IDENTIFY replaces sessions of the same shard that lost their connection.
        for old in self.sessions:
            if old.alive and old.conn is None and old.shard == shard:
                old.alive = False
        session = Session(
            intents, user_id=self._bot_id(), buffer_size=self.buffer_size, shard=shard
        )
        self.sessions.append(session)
        conn.session = session
        self._note("IDENTIFY", session, intents=intents)
        async with session.lock:
            session.conn = conn
            frames = [session.frame("READY", self._ready_payload(session))]
            frames += [session.frame("GUILD_CREATE", g) for g in self._guild_payloads(session)]
            async with conn.lock:
                for text in frames:
                    await conn.send_text(text)
        self._note("READY", session)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
        seq = int(data.get("seq") or 0)
        missed = None
        if session is not None and session.alive and data.get("token") == self._token():
            missed = session.missed_since(seq)
        if session is None or missed is None:
            self._note("INVALID_SESSION", session, by="resume", seq=seq)
            if session is not None:
                session.alive = False
            await conn.send_op(OP_INVALID_SESSION, False)
            return
        conn.session = session
        self._note("RESUME", session, seq=seq, replayed=len(missed))
        async with session.lock:
            old = session.conn
            if old is not None and old is not conn and old.open:
                await old.ws.close(code=4000)
            session.conn = conn
            async with conn.lock:
                for text in missed:
                    await conn.send_text(text)
                await conn.send_text(session.frame("RESUMED", {}))
        self._note("RESUMED", session, replayed=len(missed))

    async def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        self._note("REQUEST_MEMBERS", session, guild_id=data.get("guild_id"))
        for chunk in self._member_chunk(data):
            await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)
