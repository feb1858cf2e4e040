"""PolicyService (core.policy): evaluate messages in memory; moderators' changes, recorded.

The hot path (`evaluate`, `is_exempt`) reads only memory: a dict from guild to its compiled
policy. Every change is validated first (all or nothing), written to SQLite in one transaction
that bumps the version and records who, when and what, then compiled off the event loop and
swapped in with one assignment, so a message is always evaluated by a whole policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from bot import texts
from bot.db import Database
from bot.errors import UserFacingError
from bot.policy import learn
from bot.policy.matcher import CompiledPolicy, Verdict, compile_policy, evaluate, evaluate_with
from bot.policy.model import (
    PolicyError,
    PolicySpec,
    Rule,
    WordList,
    default_policy,
    dump_policy,
    exported_version,
    load_policy_text,
    parse_policy,
    spec_to_data,
)
from bot.policy.store import PolicyChange, PolicyStore, VersionConflictError

log = logging.getLogger(__name__)

SYSTEM_ACTOR = 0  # the bot itself (seeding a new guild)
EXEMPT_KINDS = ("role", "channel")


class Exemptions(NamedTuple):
    roles: frozenset[int]
    channels: frozenset[int]


_CACHE_SIZE = 32  # distinct compiled policies kept (guilds with the same rules share one)


class PolicyFlagsNothingError(UserFacingError):
    """A change would leave a policy that flags no message, and nobody said that was meant."""

    def __init__(self, spec: PolicySpec) -> None:
        self.spec = spec
        super().__init__(texts.POLICY_FLAGS_NOTHING.format(why=why_flags_nothing(spec)))


def why_flags_nothing(spec: PolicySpec) -> str:
    if spec.max_score <= 0:
        return str(texts.POLICY_FLAGS_NOTHING_NO_RULES)
    return texts.POLICY_FLAGS_NOTHING_LOW.format(max=spec.max_score, threshold=spec.threshold)


def flagging_off_line(spec: PolicySpec | None) -> str | None:
    """The warning /review stats and /setup show when the policy can flag nothing."""
    if spec is None or spec.can_flag:
        return None
    return texts.POLICY_FLAGGING_OFF.format(version=spec.version, why=why_flags_nothing(spec))


@dataclass(frozen=True)
class PolicyImport:
    """What an import did: the policy now in force, and what the moderator should know."""

    spec: PolicySpec
    previous_version: int
    exported_version: int | None  # the version the file says it was exported from

    @property
    def changed(self) -> bool:
        return self.spec.version != self.previous_version

    @property
    def from_older_version(self) -> bool:
        exported = self.exported_version
        return self.changed and exported is not None and 0 < exported < self.previous_version

    def lines(self) -> list[str]:
        """The reply to the moderator, one line each (the same in Discord, console and CLI)."""
        spec = self.spec
        if not self.changed:
            lines = [texts.POLICY_IMPORT_SAME.format(version=spec.version)]
        else:
            lines = [
                texts.POLICY_IMPORTED.format(
                    rules=len(spec.rules), lists=len(spec.lists), version=spec.version
                )
            ]
        if self.from_older_version:
            lines.append(
                texts.POLICY_IMPORT_OLDER.format(
                    exported=self.exported_version, previous=self.previous_version
                )
            )
        off = flagging_off_line(spec)
        if off is not None:
            lines.append(off)
        return lines


@dataclass(frozen=True)
class _Loaded:
    spec: PolicySpec
    compiled: CompiledPolicy


class PolicyService:
    def __init__(self, db: Database) -> None:
        self.store = PolicyStore(db)
        self._guilds: dict[int, _Loaded] = {}
        self._cache: OrderedDict[tuple[object, ...], CompiledPolicy] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self._fallback: _Loaded | None = None
        self._seed_yaml: tuple[PolicySpec, str] | None = None

    # --- loading ---------------------------------------------------------------------------

    async def load(self) -> None:
        """Compile every guild's policy (and the default, for guilds not seen yet)."""
        specs = await self.store.load_all()
        default = await asyncio.to_thread(default_policy)
        self._fallback = _Loaded(default, await self._compile(default))
        for guild_id, spec in specs.items():
            self._guilds[guild_id] = _Loaded(spec, await self._compile(spec))
        log.info("policies loaded for %d guilds", len(specs))

    async def seed(self, guild_id: int) -> bool:
        """Give a guild the default policy unless it has one; True when it was seeded."""
        if guild_id in self._guilds:
            return False
        async with self._lock(guild_id):
            if guild_id in self._guilds:
                return False
            spec = await self.store.load(guild_id)
            seeded = spec is None
            if spec is None:
                spec = (
                    self._fallback.spec
                    if self._fallback
                    else await asyncio.to_thread(default_policy)
                )
                try:
                    version = await self.store.save(
                        guild_id,
                        spec,
                        expected_version=None,
                        actor_id=SYSTEM_ACTOR,
                        action="seed",
                        detail="policy predefinita",
                        snapshot=await self._seed_snapshot(spec),
                    )
                except VersionConflictError:
                    spec = await self.store.load(guild_id) or spec
                else:
                    spec = spec.with_version(version)
                    log.info("guild %s: default policy seeded (v%s)", guild_id, version)
            self._guilds[guild_id] = _Loaded(spec, await self._compile(spec))
            return seeded

    async def _seed_snapshot(self, spec: PolicySpec) -> str:
        """The default policy's YAML, written once per process (guilds are seeded often)."""
        if self._seed_yaml is None or self._seed_yaml[0] is not spec:
            self._seed_yaml = (spec, await asyncio.to_thread(dump_policy, spec))
        return self._seed_yaml[1]

    async def _compile(self, spec: PolicySpec) -> CompiledPolicy:
        key = spec.content_key()
        compiled = self._cache.get(key)
        if compiled is None:
            compiled = await asyncio.to_thread(compile_policy, spec)
            self._cache[key] = compiled
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return compiled

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    # --- the hot path ----------------------------------------------------------------------

    async def evaluate(self, guild_id: int, text: str) -> Verdict:
        """The verdict on one message: memory only, no database."""
        return self.evaluate_now(guild_id, text)

    def evaluate_now(self, guild_id: int, text: str) -> Verdict:
        """`evaluate` for callers that are not coroutines (same result)."""
        loaded = self._guilds.get(guild_id) or self._fallback
        if loaded is None:
            raise RuntimeError("PolicyService.load() has not run")
        return evaluate(loaded.compiled, text, loaded.spec.version)

    def is_exempt(self, guild_id: int, channel_id: int, role_ids: Iterable[int]) -> bool:
        loaded = self._guilds.get(guild_id)
        if loaded is None:
            return False
        spec = loaded.spec
        if channel_id in spec.exempt_channels:
            return True
        return bool(spec.exempt_roles) and any(r in spec.exempt_roles for r in role_ids)

    def spec(self, guild_id: int) -> PolicySpec | None:
        loaded = self._guilds.get(guild_id)
        return loaded.spec if loaded else None

    def version(self, guild_id: int) -> int:
        loaded = self._guilds.get(guild_id)
        return loaded.spec.version if loaded else 0

    def evaluate_texts(self, guild_id: int, texts_: Iterable[str]) -> list[Verdict]:
        """The guild's current policy over many texts (for backtests)."""
        return [self.evaluate_now(guild_id, t) for t in texts_]

    @staticmethod
    def backtest(policy_yaml: str, texts_: Iterable[str]) -> list[Verdict]:
        """An uploaded policy (YAML) over many texts; PolicyError if it is invalid."""
        return evaluate_with(policy_yaml, texts_)

    # --- moderators' operations (each recorded, each bumps the version) -------------------

    def rules(self, guild_id: int) -> tuple[Rule, ...]:
        spec = self.spec(guild_id)
        return spec.rules if spec else ()

    async def history(self, guild_id: int, limit: int = 20) -> list[PolicyChange]:
        return await self.store.history(guild_id, limit)

    def export_yaml(self, guild_id: int) -> str:
        spec = self.spec(guild_id) or (self._fallback.spec if self._fallback else None)
        if spec is None:
            raise RuntimeError("PolicyService.load() has not run")
        return dump_policy(spec)

    def flagging_off(self, guild_id: int) -> str | None:
        """A warning line when the guild's policy can flag no message; None when it can."""
        return flagging_off_line(self.spec(guild_id))

    async def import_policy(
        self, guild_id: int, text: str, actor_id: int, *, allow_no_flagging: bool = False
    ) -> PolicyImport:
        """Replace the whole policy with `text` (validated; all or nothing).

        A file identical to the policy in force changes nothing (the version stays); a policy
        that can flag nothing is refused unless `allow_no_flagging`.
        """
        new = await asyncio.to_thread(load_policy_text, text)
        await self.seed(guild_id)
        previous = self.version(guild_id)
        spec = await self._change(
            guild_id,
            actor_id,
            "import",
            f"{len(new.rules)} regole, {len(new.lists)} liste",
            lambda _current: new,
            allow_no_flagging=allow_no_flagging,
        )
        return PolicyImport(spec, previous, exported_version(text))

    async def import_yaml(
        self, guild_id: int, text: str, actor_id: int, *, allow_no_flagging: bool = False
    ) -> PolicySpec:
        """`import_policy`, for callers that need only the policy now in force."""
        result = await self.import_policy(
            guild_id, text, actor_id, allow_no_flagging=allow_no_flagging
        )
        return result.spec

    async def rollback(self, guild_id: int, version: int, actor_id: int) -> PolicySpec:
        """The policy as version `version` left it becomes the policy in force (a new version,
        recorded as a rollback); PolicyError when that version was not kept."""
        text = await self.store.snapshot(guild_id, version)
        if text is None:
            raise PolicyError([texts.POLICY_VERSION_NOT_KEPT.format(version=version)])
        old = await asyncio.to_thread(load_policy_text, text)
        return await self._change(
            guild_id, actor_id, "rollback", f"alla v{version}", lambda _current: old
        )

    async def set_threshold(
        self, guild_id: int, threshold: float, actor_id: int, *, allow_no_flagging: bool = False
    ) -> PolicySpec:
        return await self._change(
            guild_id,
            actor_id,
            "threshold",
            f"{threshold:g}",
            lambda spec: replace(spec, threshold=float(threshold)),
            allow_no_flagging=allow_no_flagging,
        )

    async def add_rule(self, guild_id: int, rule: Rule, actor_id: int) -> PolicySpec:
        def mutate(spec: PolicySpec) -> PolicySpec:
            if spec.rule(rule.name) is not None:
                raise PolicyError([texts.POLICY_RULE_EXISTS.format(name=rule.name)])
            return replace(spec, rules=(*spec.rules, rule))

        return await self._change(guild_id, actor_id, "rule add", rule.name, mutate)

    async def remove_rule(self, guild_id: int, name: str, actor_id: int) -> PolicySpec:
        def mutate(spec: PolicySpec) -> PolicySpec:
            _require_rule(spec, name)
            for other in spec.rules:
                if name in other.requires:
                    raise PolicyError([texts.POLICY_RULE_IN_USE.format(name=name, by=other.name)])
            return replace(spec, rules=tuple(r for r in spec.rules if r.name != name))

        return await self._change(guild_id, actor_id, "rule remove", name, mutate)

    async def update_rule(
        self, guild_id: int, name: str, actor_id: int, **changes: Any
    ) -> PolicySpec:
        """Change fields of a rule (weight, description, groups, within, requires, shadow)."""
        allowed = {"weight", "description", "groups", "within", "requires", "shadow"}
        unknown = set(changes) - allowed
        if unknown:
            raise PolicyError([f"campi sconosciuti: {', '.join(sorted(unknown))}"])

        def mutate(spec: PolicySpec) -> PolicySpec:
            rule = replace(_require_rule(spec, name), **changes)
            return replace(spec, rules=tuple(rule if r.name == name else r for r in spec.rules))

        detail = name + ": " + ", ".join(f"{k}={v}" for k, v in sorted(changes.items()))
        return await self._change(guild_id, actor_id, "rule change", detail[:300], mutate)

    async def set_weight(
        self, guild_id: int, name: str, weight: float, actor_id: int
    ) -> PolicySpec:
        return await self.update_rule(guild_id, name, actor_id, weight=float(weight))

    async def set_shadow(self, guild_id: int, rule: str, on: bool, actor_id: int) -> PolicySpec:
        return await self.update_rule(guild_id, rule, actor_id, shadow=bool(on))

    async def set_list(self, guild_id: int, word_list: WordList, actor_id: int) -> PolicySpec:
        """Add a word list, or replace the one with the same name."""

        def mutate(spec: PolicySpec) -> PolicySpec:
            if spec.word_list(word_list.name) is None:
                return replace(spec, lists=(*spec.lists, word_list))
            lists = tuple(word_list if w.name == word_list.name else w for w in spec.lists)
            return replace(spec, lists=lists)

        return await self._change(guild_id, actor_id, "list set", word_list.name, mutate)

    async def remove_list(self, guild_id: int, name: str, actor_id: int) -> PolicySpec:
        def mutate(spec: PolicySpec) -> PolicySpec:
            if spec.word_list(name) is None:
                raise PolicyError([texts.POLICY_NO_SUCH_LIST.format(name=name)])
            for rule in spec.rules:
                if any("@" + name in group for group in rule.groups):
                    raise PolicyError([texts.POLICY_LIST_IN_USE.format(name=name, by=rule.name)])
            return replace(spec, lists=tuple(w for w in spec.lists if w.name != name))

        return await self._change(guild_id, actor_id, "list remove", name, mutate)

    async def allow_add(self, guild_id: int, phrase: str, actor_id: int) -> PolicySpec:
        phrase = phrase.strip()

        def mutate(spec: PolicySpec) -> PolicySpec:
            if phrase in spec.allow:
                return spec
            return replace(spec, allow=(*spec.allow, phrase))

        return await self._change(guild_id, actor_id, "allow add", phrase, mutate)

    async def allow_remove(self, guild_id: int, phrase: str, actor_id: int) -> PolicySpec:
        phrase = phrase.strip()

        def mutate(spec: PolicySpec) -> PolicySpec:
            if phrase not in spec.allow:
                raise PolicyError([texts.POLICY_NOT_ALLOWED.format(term=phrase)])
            return replace(spec, allow=tuple(p for p in spec.allow if p != phrase))

        return await self._change(guild_id, actor_id, "allow remove", phrase, mutate)

    async def set_exempt(
        self, guild_id: int, kind: str, target_id: int, exempt: bool, *, actor_id: int
    ) -> PolicySpec:
        """Exempt (or stop exempting) a role or a channel: the one entry point for exemptions."""
        if kind not in EXEMPT_KINDS:
            raise PolicyError([texts.POLICY_BAD_EXEMPT_KIND.format(kinds=", ".join(EXEMPT_KINDS))])

        def mutate(spec: PolicySpec) -> PolicySpec:
            def change(ids: frozenset[int]) -> frozenset[int]:
                return ids | {target_id} if exempt else ids - {target_id}

            if kind == "role":
                return replace(spec, exempt_roles=change(spec.exempt_roles))
            return replace(spec, exempt_channels=change(spec.exempt_channels))

        action = f"exempt {kind} {'add' if exempt else 'remove'}"
        return await self._change(guild_id, actor_id, action, str(target_id), mutate)

    def exemptions(self, guild_id: int) -> Exemptions:
        """The guild's exempt roles and channels, from the policy in memory."""
        spec = self.spec(guild_id)
        if spec is None:
            return Exemptions(frozenset(), frozenset())
        return Exemptions(frozenset(spec.exempt_roles), frozenset(spec.exempt_channels))

    # --- learning weights (issue 13) --------------------------------------------------------

    async def propose_learning(
        self, guild_id: int, examples: Sequence[learn.Example], labels: Sequence[str]
    ) -> learn.Proposal:
        """Weights learned on `examples` for the guild's policy, and what they would change;
        nothing is applied (see `accept_learning`). UserFacingError when there are too few."""
        await self.seed(guild_id)
        spec = self._guilds[guild_id].spec
        try:
            return await asyncio.to_thread(learn.propose, spec, examples, labels)
        except ValueError as exc:
            raise UserFacingError(
                texts.POLICY_LEARN_TOO_FEW.format(min=learn.MIN_DECISIONS, detail=exc)
            ) from None

    async def accept_learning(
        self, guild_id: int, proposal: learn.Proposal, actor_id: int
    ) -> PolicySpec:
        """Apply a proposal's weights and threshold as a new version, recorded like any change;
        refused if the policy changed since the proposal was made."""

        def mutate(spec: PolicySpec) -> PolicySpec:
            if spec.version != proposal.base_version:
                raise PolicyError(
                    [
                        texts.POLICY_LEARN_STALE.format(
                            current=spec.version, base=proposal.base_version
                        )
                    ]
                )
            return learn.apply(spec, proposal.fit)

        c = proposal.comparison
        detail = texts.POLICY_LEARN_DETAIL.format(
            n=len(proposal.labels),
            p0=c.before.precision,
            p1=c.after.precision,
            r0=c.before.recall,
            r1=c.after.recall,
        )
        return await self._change(guild_id, actor_id, "learn", detail, mutate)

    async def _change(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        detail: str,
        mutate: Callable[[PolicySpec], PolicySpec],
        *,
        allow_no_flagging: bool = False,
    ) -> PolicySpec:
        await self.seed(guild_id)
        async with self._lock(guild_id):
            current = self._guilds[guild_id].spec
            proposed = mutate(current)
            # Validate exactly as an import would, off the loop, before anything is written.
            checked = await asyncio.to_thread(parse_policy, spec_to_data(proposed))
            if checked.same_as(current):
                return current  # nothing changes: no new version, nothing to record
            # Turning moderation off by accident (an empty file, a threshold out of reach) is
            # refused; an import is always checked, since the file replaces everything.
            if (
                not allow_no_flagging
                and not checked.can_flag
                and (action == "import" or current.can_flag)
            ):
                raise PolicyFlagsNothingError(checked)
            compiled = await self._compile(checked)
            try:
                version = await self.store.save(
                    guild_id,
                    checked,
                    expected_version=current.version,
                    actor_id=actor_id,
                    action=action,
                    detail=detail,
                    snapshot=await asyncio.to_thread(dump_policy, checked),
                )
            except VersionConflictError:
                # Another process changed it: reload what is stored; the caller may retry.
                stored = await self.store.load(guild_id)
                if stored is not None:
                    self._guilds[guild_id] = _Loaded(stored, await self._compile(stored))
                raise
            final = checked.with_version(version)
            self._guilds[guild_id] = _Loaded(final, compiled)  # the atomic swap
            log.info("guild %s: policy v%s (%s by %s)", guild_id, version, action, actor_id)
            return final


def _require_rule(spec: PolicySpec, name: str) -> Rule:
    rule = spec.rule(name)
    if rule is None:
        raise PolicyError([texts.POLICY_NO_SUCH_RULE.format(name=name)])
    return rule
