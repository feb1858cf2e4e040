"""Compile a policy into one Aho-Corasick automaton and score messages against it.

Matching is linear in the message length whatever the moderators typed: every keyword becomes
a literal pattern over the normalised text (word boundaries are the spaces around it), and one
automaton finds them all. No regular expression is ever built from a moderator's input.

When matches overlap, a longer phrase wins over the words it contains ("non ho budget" over
"budget"), and an allow-listed phrase removes every match it overlaps ("free trial").
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import ahocorasick_rs

from bot.policy.model import PolicySpec, load_policy_text, term_patterns
from bot.policy.normalize import Normalized, normalize


@dataclass(frozen=True)
class Hit:
    rule: str  # rule name as the moderator wrote it
    weight: float
    spans: tuple[tuple[int, int], ...]  # [start, end) offsets into the ORIGINAL text
    shadow: bool  # rule is in shadow mode (records cases, no alert/nudge)

    if not TYPE_CHECKING:  # hidden from mypy, so a misspelt attribute is still an error

        def __getattr__(self, name: str) -> object:
            """`spans` of a hit made by `evaluate`, mapped back to the original on first read.

            Most verdicts are never looked at (they do not flag), and finding a word's place in
            the original is the costly part of a verdict: it is done here, once, exactly as
            `evaluate` would have done it. Any other missing attribute is an AttributeError.
            """
            pending = self.__dict__.get(_PENDING) if name == "spans" else None
            if pending is None:
                raise AttributeError(name)
            norm, found = pending
            spans = tuple(sorted({norm.span(s, e) for s, e in found}))
            self.__dict__["spans"] = spans
            self.__dict__.pop(_PENDING, None)
            return spans

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "weight": self.weight,
            "spans": [list(s) for s in self.spans],
            "shadow": self.shadow,
        }


@dataclass(frozen=True)
class Verdict:
    flagged: bool  # score >= threshold (all rules, shadow included)
    score: float
    threshold: float
    hits: tuple[Hit, ...]
    policy_version: int

    @property
    def alert(self) -> bool:
        """Flagged even without the shadow rules' contribution."""
        live = sum(h.weight for h in self.hits if not h.shadow)
        return live >= self.threshold - 1e-9

    def matched(self, text: str) -> list[str]:
        """The matched pieces of `text` (the original message), for explanations."""
        return [text[s:e] for h in self.hits for s, e in h.spans]

    def to_json(self) -> dict[str, object]:
        return {
            "flagged": self.flagged,
            "alert": self.alert,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "policy_version": self.policy_version,
            "hits": [h.to_json() for h in self.hits],
        }


@dataclass(frozen=True)
class CompiledRule:
    name: str
    weight: float
    shadow: bool
    groups: tuple[tuple[int, ...], ...]  # per group: the word-set ids any of which satisfies it
    within: int | None
    requires: tuple[int, ...]  # indices of earlier rules, one of which must have fired
    only_set: int = -1  # the word set, when any match of that one set fires the rule alone


@dataclass(frozen=True, eq=False)
class CompiledPolicy:
    """Everything `evaluate` needs, immutable: share it between tasks and threads freely."""

    threshold: float
    rules: tuple[CompiledRule, ...]
    automaton: Any
    owners: tuple[tuple[int, ...], ...]  # per pattern: the word sets it belongs to
    allowed: tuple[bool, ...]  # per pattern: an allow-listed phrase
    pattern_rules: tuple[tuple[int, ...], ...]  # per pattern: rules that may fire on it
    n_patterns: int
    compile_seconds: float
    _clean: dict[int, Verdict] = field(default_factory=dict, repr=False)

    def verdict_for(self, version: int) -> Verdict:
        """The verdict "nothing matched" (immutable, so one object per version is reused)."""
        clean = self._clean.get(version)
        if clean is None:
            if len(self._clean) > 16:
                self._clean.clear()
            clean = self._clean[version] = Verdict(False, 0.0, self.threshold, (), version)
        return clean


def compile_policy(spec: PolicySpec) -> CompiledPolicy:
    """Build the automaton and the rule tables (CPU-bound: call it off the event loop)."""
    started = time.perf_counter()
    set_ids: dict[str, int] = {}  # "@list" → id; inline groups get their own ids
    set_patterns: list[list[str]] = []

    for word_list in spec.lists:
        set_ids["@" + word_list.name] = len(set_patterns)
        set_patterns.append([p for t in word_list.expanded() for p in term_patterns(t)])

    rules: list[CompiledRule] = []
    rule_index: dict[str, int] = {}
    for rule in spec.rules:
        groups: list[tuple[int, ...]] = []
        for group in rule.groups:
            ids = [set_ids[item] for item in group if item.startswith("@")]
            inline = [p for item in group if not item.startswith("@") for p in term_patterns(item)]
            if inline:
                ids.append(len(set_patterns))
                set_patterns.append(inline)
            groups.append(tuple(dict.fromkeys(ids)))
        rule_index[rule.name] = len(rules)
        rules.append(
            CompiledRule(
                name=rule.name,
                weight=rule.weight,
                shadow=rule.shadow,
                groups=tuple(groups),
                within=rule.within,
                requires=tuple(rule_index[r] for r in rule.requires),
                only_set=groups[0][0] if len(groups) == 1 and len(groups[0]) == 1 else -1,
            )
        )

    set_rules: list[list[int]] = [[] for _ in set_patterns]
    for index, compiled_rule in enumerate(rules):
        for group_ids in compiled_rule.groups:
            for set_id in group_ids:
                if not set_rules[set_id] or set_rules[set_id][-1] != index:
                    set_rules[set_id].append(index)

    owners: dict[str, list[int]] = {}
    for set_id, patterns in enumerate(set_patterns):
        if not set_rules[set_id]:
            continue  # a list no rule uses costs nothing
        for pattern in patterns:
            bucket = owners.setdefault(pattern, [])
            if not bucket or bucket[-1] != set_id:
                bucket.append(set_id)
    allow_patterns = {p for term in spec.allow for p in term_patterns(term)}
    for pattern in allow_patterns:
        owners.setdefault(pattern, [])

    patterns = list(owners)
    automaton = (
        ahocorasick_rs.AhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA)
        if patterns
        else None
    )
    return CompiledPolicy(
        threshold=spec.threshold,
        rules=tuple(rules),
        automaton=automaton,
        owners=tuple(tuple(owners[p]) for p in patterns),
        allowed=tuple(p in allow_patterns for p in patterns),
        pattern_rules=tuple(
            tuple(sorted({r for set_id in owners[p] for r in set_rules[set_id]})) for p in patterns
        ),
        n_patterns=len(patterns),
        compile_seconds=time.perf_counter() - started,
    )


def _resolve(
    matches: list[tuple[int, int, int]], allowed: Sequence[bool]
) -> list[tuple[int, int, int]]:
    """Keep the longest of overlapping matches; forget those touching an allow-listed phrase."""
    ordered = sorted([(start, -end, pattern) for pattern, start, end in matches])
    kept: list[tuple[int, int, int]] = []
    allow_spans: list[tuple[int, int]] = []
    reach = -1
    for start, neg_end, pattern in ordered:
        if -neg_end <= reach:
            continue
        reach = -neg_end
        if allowed[pattern]:
            allow_spans.append((start, reach))
        else:
            kept.append((pattern, start, reach))
    if not allow_spans:
        return kept
    # Any match overlapping an allowed phrase is ignored, before or after it.
    starts = [a[0] for a in allow_spans]
    out = []
    for match in kept:
        k = bisect.bisect_left(starts, match[2])
        if k and allow_spans[k - 1][1] > match[1]:
            continue
        out.append(match)
    return out


def _needs_resolving(matches: list[tuple[int, int, int]], allowed: Sequence[bool]) -> bool:
    """False when `_resolve` would return `matches` as they are: none allowed, none overlap.

    The automaton reports matches by where they end; when each starts at or after the end of
    the one before, that is also the order `_resolve` sorts them into, and it drops none.
    """
    reach = -1
    for pattern, start, end in matches:
        if allowed[pattern] or start < reach:
            return True
        reach = end
    return False


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words between two matches given as (first word, last word); 0 when they touch."""
    return max(0, b[0] - a[1] - 1, a[0] - b[1] - 1)


MAX_PHRASE_WORDS = 50  # a keyword has at most 100 characters, so at most 50 words


def _near(positions: list[list[tuple[int, int]]], within: int) -> bool:
    """A match of each group at most `within` words from a match of the first group.

    Each group is sorted once and searched by bisection, so a long message full of matches
    costs O(m log m), not O(m²).
    """
    others = []
    for group in positions[1:]:
        ordered = sorted(group)
        others.append((ordered, [p[0] for p in ordered]))
    for anchor in positions[0]:
        for ordered, firsts in others:
            lo = bisect.bisect_left(firsts, anchor[0] - within - 1 - MAX_PHRASE_WORDS)
            hi = bisect.bisect_right(firsts, anchor[1] + within + 1)
            if not any(_gap(anchor, p) <= within for p in ordered[lo:hi]):
                break
        else:
            return True
    return False


T = TypeVar("T")
_PENDING = "_pending_spans"  # a Hit's matches in the normalised text, before `spans` is read


def _frozen(cls: type[T], **fields: object) -> T:
    """An instance of a frozen dataclass without its __init__.

    A frozen dataclass sets each field through object.__setattr__, which costs more than the
    rest of a verdict on the hot path; filling __dict__ in one call builds the same object.
    """
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def evaluate(
    compiled: CompiledPolicy, text: str, version: int = 0, norm: Normalized | None = None
) -> Verdict:
    """Score one message. Pure and in memory: the hot path."""
    automaton = compiled.automaton
    if automaton is None:
        return compiled.verdict_for(version)
    if norm is None:
        norm = normalize(text)
    matches = automaton.find_matches_as_indexes(norm.text, overlapping=True)
    if not matches:
        return compiled.verdict_for(version)
    if _needs_resolving(matches, compiled.allowed):
        matches = _resolve(matches, compiled.allowed)
        if not matches:
            return compiled.verdict_for(version)

    owners = compiled.owners
    pattern_rules = compiled.pattern_rules
    set_hits: dict[int, list[tuple[int, int]]] = {}
    candidates: set[int] = set()
    for pattern, start, end in matches:
        candidates.update(pattern_rules[pattern])
        for set_id in owners[pattern]:
            if set_id in set_hits:
                set_hits[set_id].append((start, end))
            else:
                set_hits[set_id] = [(start, end)]

    fired: dict[int, list[tuple[int, int]]] = {}
    rules = compiled.rules
    for index in sorted(candidates) if len(candidates) > 1 else candidates:
        rule = rules[index]
        if rule.requires and not any(r in fired for r in rule.requires):
            continue
        if rule.only_set >= 0:  # one group of one set (most rules): no groups to gather
            if found := set_hits.get(rule.only_set):
                fired[index] = found
            continue
        group_hits: list[list[tuple[int, int]]] = []
        for group in rule.groups:
            if len(group) == 1:
                found = set_hits.get(group[0])
            else:
                found = [h for set_id in group for h in set_hits.get(set_id, ())]
            if not found:
                break
            group_hits.append(found)
        else:
            if rule.within is not None:
                positions = [
                    [(norm.word_index(s), norm.word_index(max(e - 2, s))) for s, e in g]
                    for g in group_hits
                ]
                if not _near(positions, rule.within):
                    continue
            fired[index] = [h for g in group_hits for h in g]
    if not fired:
        return compiled.verdict_for(version)

    hits: list[Hit] = []
    score = 0.0
    for index, found in fired.items():
        rule = rules[index]
        score += rule.weight
        # Spans are mapped back to the original when first read (see Hit.__getattr__).
        fields = {"rule": rule.name, "weight": rule.weight, "shadow": rule.shadow}
        fields[_PENDING] = (norm, found)
        hits.append(_frozen(Hit, **fields))
    score = round(score, 9)
    return _frozen(
        Verdict,
        flagged=score >= compiled.threshold - 1e-9,
        score=score,
        threshold=compiled.threshold,
        hits=tuple(hits),
        policy_version=version,
    )


def evaluate_with(
    policy: str | PolicySpec | CompiledPolicy, texts: Iterable[str], version: int | None = None
) -> list[Verdict]:
    """Backtest: evaluate `texts` with a policy given as YAML text, a spec or compiled."""
    if isinstance(policy, str):
        policy = load_policy_text(policy)
    if isinstance(policy, PolicySpec):
        spec_version = policy.version
        policy = compile_policy(policy)
    else:
        spec_version = 0
    use = spec_version if version is None else version
    return [evaluate(policy, text, use) for text in texts]
