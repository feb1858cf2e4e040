"""SQL for the policy tables of migration 0002: load a guild's policy, rewrite it, its history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.db import Database
from bot.policy.model import PolicySpec, Rule, WordList

_LIST_KINDS: tuple[tuple[str, str], ...] = (
    ("term", "terms"),
    ("verb", "verbs"),
    ("verb_third", "verbs_third"),
    ("infinitive", "infinitives"),
)


class VersionConflictError(RuntimeError):
    """The policy changed since it was read (another writer); read it again and retry."""


@dataclass(frozen=True)
class PolicyChange:
    version: int
    actor_id: int
    action: str
    detail: str
    at: str  # ISO 8601 in UTC, as SQLite wrote it ("2026-01-02T10:20:30.123Z")

    @property
    def timestamp(self) -> float:
        """`at` as seconds since 1970 (for local times and Discord's <t:…> markup)."""
        return datetime.fromisoformat(self.at.replace("Z", "+00:00")).timestamp()


class PolicyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_all(self) -> dict[int, PolicySpec]:
        """Every guild's policy, in a handful of queries (for startup)."""
        return await self._load(None)

    async def load(self, guild_id: int) -> PolicySpec | None:
        return (await self._load(guild_id)).get(guild_id)

    async def _load(self, guild_id: int | None) -> dict[int, PolicySpec]:
        # `guild_id` None reads every guild: "? IS NULL" keeps the SQL fixed and parameterised.
        params = (guild_id, guild_id)
        states = await self.db.fetchall(
            "SELECT guild_id, version, threshold FROM policy_state "
            "WHERE (? IS NULL OR guild_id = ?)",
            params,
        )
        if not states:
            return {}
        list_rows = await self.db.fetchall(
            "SELECT guild_id, name, description FROM policy_lists "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY position",
            params,
        )
        term_rows = await self.db.fetchall(
            "SELECT guild_id, list_name, kind, value FROM policy_list_terms "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY position",
            params,
        )
        rule_rows = await self.db.fetchall(
            "SELECT guild_id, name, description, weight, within, shadow FROM policy_rules "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY position",
            params,
        )
        item_rows = await self.db.fetchall(
            "SELECT guild_id, rule_name, grp, item FROM policy_rule_items "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY grp, position",
            params,
        )
        requires_rows = await self.db.fetchall(
            "SELECT guild_id, rule_name, required FROM policy_rule_requires "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY position",
            params,
        )
        allow_rows = await self.db.fetchall(
            "SELECT guild_id, phrase FROM policy_allow "
            "WHERE (? IS NULL OR guild_id = ?) ORDER BY position",
            params,
        )
        exempt_rows = await self.db.fetchall(
            "SELECT guild_id, kind, target_id FROM policy_exempt WHERE (? IS NULL OR guild_id = ?)",
            params,
        )

        terms: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        for row in term_rows:
            terms[(row["guild_id"], row["list_name"], row["kind"])].append(row["value"])
        lists: dict[int, list[WordList]] = defaultdict(list)
        for row in list_rows:
            key = (row["guild_id"], row["name"])
            fields = {attr: tuple(terms.get((*key, kind), ())) for kind, attr in _LIST_KINDS}
            lists[row["guild_id"]].append(
                WordList(name=row["name"], description=row["description"], **fields)
            )
        groups: dict[tuple[int, str], dict[int, list[str]]] = defaultdict(dict)
        for row in item_rows:
            groups[(row["guild_id"], row["rule_name"])].setdefault(row["grp"], []).append(
                row["item"]
            )
        requires: dict[tuple[int, str], list[str]] = defaultdict(list)
        for row in requires_rows:
            requires[(row["guild_id"], row["rule_name"])].append(row["required"])
        rules: dict[int, list[Rule]] = defaultdict(list)
        for row in rule_rows:
            key = (row["guild_id"], row["name"])
            rule_groups = groups.get(key, {})
            rules[row["guild_id"]].append(
                Rule(
                    name=row["name"],
                    weight=float(row["weight"]),
                    groups=tuple(tuple(rule_groups[g]) for g in sorted(rule_groups)),
                    description=row["description"],
                    within=row["within"],
                    requires=tuple(requires.get(key, ())),
                    shadow=bool(row["shadow"]),
                )
            )
        allow: dict[int, list[str]] = defaultdict(list)
        for row in allow_rows:
            allow[row["guild_id"]].append(row["phrase"])
        roles: dict[int, set[int]] = defaultdict(set)
        channels: dict[int, set[int]] = defaultdict(set)
        for row in exempt_rows:
            (roles if row["kind"] == "role" else channels)[row["guild_id"]].add(row["target_id"])

        return {
            row["guild_id"]: PolicySpec(
                threshold=float(row["threshold"]),
                rules=tuple(rules.get(row["guild_id"], ())),
                lists=tuple(lists.get(row["guild_id"], ())),
                allow=tuple(allow.get(row["guild_id"], ())),
                exempt_roles=frozenset(roles.get(row["guild_id"], ())),
                exempt_channels=frozenset(channels.get(row["guild_id"], ())),
                version=int(row["version"]),
            )
            for row in states
        }

    async def save(
        self,
        guild_id: int,
        spec: PolicySpec,
        *,
        expected_version: int | None,
        actor_id: int,
        action: str,
        detail: str = "",
        snapshot: str | None = None,
    ) -> int:
        """Replace the guild's whole policy with `spec`; returns the new version. `snapshot`
        (the policy's YAML) is kept with the change, for a rollback to this version.

        `expected_version` is the version the change was computed from (None: the guild has
        no policy yet); if another writer got there first, VersionConflictError, nothing changes.
        """
        async with self.db.transaction() as conn:
            if expected_version is None:
                # A guild the bot never recorded (a command before on_guild_join) still gets
                # its policy: the guild row the policy tables refer to is created if missing.
                await conn.execute(
                    "INSERT INTO guilds (guild_id) VALUES (?) ON CONFLICT(guild_id) DO NOTHING",
                    (guild_id,),
                )
                cur = await conn.execute(
                    "INSERT INTO policy_state (guild_id, version, threshold) VALUES (?, 1, ?) "
                    "ON CONFLICT(guild_id) DO NOTHING",
                    (guild_id, spec.threshold),
                )
            else:
                cur = await conn.execute(
                    "UPDATE policy_state SET version = version + 1, threshold = ?, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                    "WHERE guild_id = ? AND version = ?",
                    (spec.threshold, guild_id, expected_version),
                )
            if cur.rowcount != 1:
                raise VersionConflictError(f"policy of guild {guild_id} changed meanwhile")
            version = 1 if expected_version is None else expected_version + 1
            await self._write_body(conn, guild_id, spec)
            await conn.execute(
                "INSERT INTO policy_history "
                "(guild_id, version, actor_id, action, detail, policy_yaml) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, version, actor_id, action, detail, snapshot),
            )
        return version

    async def _write_body(
        self, conn: aiosqlite.Connection, guild_id: int, spec: PolicySpec
    ) -> None:
        for table in (
            "DELETE FROM policy_rules WHERE guild_id = ?",
            "DELETE FROM policy_lists WHERE guild_id = ?",
            "DELETE FROM policy_allow WHERE guild_id = ?",
            "DELETE FROM policy_exempt WHERE guild_id = ?",
        ):
            await conn.execute(table, (guild_id,))
        await conn.executemany(
            "INSERT INTO policy_lists (guild_id, name, position, description) VALUES (?, ?, ?, ?)",
            [(guild_id, w.name, i, w.description) for i, w in enumerate(spec.lists)],
        )
        await conn.executemany(
            "INSERT INTO policy_list_terms (guild_id, list_name, kind, position, value) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (guild_id, w.name, kind, i, value)
                for w in spec.lists
                for kind, attr in _LIST_KINDS
                for i, value in enumerate(getattr(w, attr))
            ],
        )
        await conn.executemany(
            "INSERT INTO policy_rules (guild_id, name, position, description, weight, within, "
            "shadow) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (guild_id, r.name, i, r.description, r.weight, r.within, int(r.shadow))
                for i, r in enumerate(spec.rules)
            ],
        )
        await conn.executemany(
            "INSERT INTO policy_rule_items (guild_id, rule_name, grp, position, item) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (guild_id, r.name, g, i, item)
                for r in spec.rules
                for g, group in enumerate(r.groups)
                for i, item in enumerate(group)
            ],
        )
        await conn.executemany(
            "INSERT INTO policy_rule_requires (guild_id, rule_name, position, required) "
            "VALUES (?, ?, ?, ?)",
            [(guild_id, r.name, i, req) for r in spec.rules for i, req in enumerate(r.requires)],
        )
        await conn.executemany(
            "INSERT INTO policy_allow (guild_id, position, phrase) VALUES (?, ?, ?)",
            [(guild_id, i, phrase) for i, phrase in enumerate(spec.allow)],
        )
        await conn.executemany(
            "INSERT INTO policy_exempt (guild_id, kind, target_id) VALUES (?, ?, ?)",
            [(guild_id, "role", r) for r in sorted(spec.exempt_roles)]
            + [(guild_id, "channel", c) for c in sorted(spec.exempt_channels)],
        )

    async def snapshot(self, guild_id: int, version: int) -> str | None:
        """The policy's YAML as version `version` left it (None: not kept, or no such one)."""
        row = await self.db.fetchone(
            "SELECT policy_yaml FROM policy_history WHERE guild_id = ? AND version = ? "
            "ORDER BY id DESC LIMIT 1",
            (guild_id, version),
        )
        return row["policy_yaml"] if row else None

    async def history(self, guild_id: int, limit: int = 20) -> list[PolicyChange]:
        """The latest changes first."""
        rows = await self.db.fetchall(
            "SELECT version, actor_id, action, detail, at FROM policy_history "
            "WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            PolicyChange(r["version"], r["actor_id"], r["action"], r["detail"], r["at"])
            for r in rows
        ]
