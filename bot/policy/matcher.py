"""Compile a policy into one Aho-Corasick automaton and score messages against it.

Matching is linear in the message length whatever the moderators typed: every keyword becomes
a literal pattern over the normalised text (word boundaries are the spaces around it), and one
automaton finds them all. No regular expression is ever built from a moderator's input.

When matches overlap, a longer phrase wins over the words it contains ("non ho budget" over
"budget"), and an allow-listed phrase removes every match it overlaps ("free trial"). Two
neighbouring words share the space between them; that is not an overlap.

The hot path: most messages are matched on their first pass as it is (`fast_fold`), and the
same automaton holds the normaliser's `HINTS` and each phrase's beginnings followed by two
spaces. A message where one of those shows up is normalised the careful way and matched again.
"""

from __future__ import annotations

import bisect
import functools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import ahocorasick_rs

from bot.policy.model import PolicySpec, load_policy_text, term_patterns
from bot.policy.normalize import (
    DIGIT_HINTS,
    HINTS,
    LETTER_HINTS,
    Normalized,
    fast_digits,
    fast_fold,
    letters_spaced_apart,
    normalize,
)


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

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> object:
            """`hits` of a verdict made by `evaluate`, built on first read (as `Hit.spans`).

            The bot reads the hits of the verdicts that flag; most verdicts are only asked
            `flagged`, so their hits are left as a recipe until somebody looks.
            """
            pending = self.__dict__.get(_PENDING_HITS) if name == "hits" else None
            if pending is None:
                raise AttributeError(name)
            hits = pending()
            self.__dict__["hits"] = hits
            self.__dict__.pop(_PENDING_HITS, None)
            return hits

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
    n_patterns: int  # the keywords' patterns, after the `n_hints` hints in the automaton
    n_hints: int
    solo: tuple[tuple[int, ...], ...]  # per pattern: the rules it fires when matched alone
    solo_score: tuple[float, ...]  # per pattern: their score
    # per pattern: the word sets that could join it to fire one more rule (None: can't tell)
    company: tuple[frozenset[int] | None, ...]
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
    hints = [*HINTS, *_split_phrase_hints(patterns)]
    n_hints = len(hints)
    automaton = (
        ahocorasick_rs.AhoCorasick(
            hints + patterns, implementation=ahocorasick_rs.Implementation.DFA
        )
        if patterns
        else None
    )
    no_hints = ((),) * n_hints
    pattern_rules = [
        tuple(sorted({r for set_id in owners[p] for r in set_rules[set_id]})) for p in patterns
    ]
    solo = [
        _fired_alone(rules, set(owners[p]), pr)
        for p, pr in zip(patterns, pattern_rules, strict=True)
    ]
    return CompiledPolicy(
        threshold=spec.threshold,
        rules=tuple(rules),
        automaton=automaton,
        owners=no_hints + tuple(tuple(owners[p]) for p in patterns),
        allowed=(False,) * n_hints + tuple(p in allow_patterns for p in patterns),
        pattern_rules=no_hints + tuple(pattern_rules),
        n_patterns=len(patterns),
        n_hints=n_hints,
        solo=no_hints + tuple(solo),
        company=(frozenset(),) * n_hints
        + tuple(
            _company(rules, set(owners[p]), pr, fired)
            for p, pr, fired in zip(patterns, pattern_rules, solo, strict=True)
        ),
        solo_score=(0.0,) * n_hints
        + tuple(round(sum(rules[r].weight for r in fired), 9) for fired in solo),
        compile_seconds=time.perf_counter() - started,
    )


def _company(
    rules: Sequence[CompiledRule], sets: set[int], candidates: Sequence[int], alone: Sequence[int]
) -> frozenset[int] | None:
    """The word sets of the groups a pattern misses in the rules it does not fire alone: unless
    one of them is matched too, the pattern fires nothing more in company. None when a rule
    `requires` another (it may fire once a different match fires that one)."""
    company: set[int] = set()
    for index in candidates:
        if index in alone:
            continue
        rule = rules[index]
        if rule.requires:
            return None
        for group in rule.groups:
            if sets.isdisjoint(group):
                company.update(group)
    return frozenset(company)


def _fired_alone(
    rules: Sequence[CompiledRule], sets: set[int], candidates: Sequence[int]
) -> tuple[int, ...]:
    """The rules a pattern of word sets `sets` fires when it is the message's only match (as
    `_fire` would decide: one match is within any distance of itself)."""
    fired: list[int] = []
    for index in candidates:
        rule = rules[index]
        if rule.requires and not any(r in fired for r in rule.requires):
            continue
        if all(not sets.isdisjoint(group) for group in rule.groups):
            fired.append(index)
    return tuple(fired)


def _split_phrase_hints(patterns: Iterable[str]) -> list[str]:
    """Each phrase's first words followed by two spaces: in `fast_fold`'s text, where words
    may be several spaces apart, the phrase may be there without its pattern matching."""
    hints: dict[str, None] = {}
    for pattern in patterns:
        words = pattern.split(" ")  # "", w1, …, wn, "" (no "" where a wildcard lifts a side)
        inner = len(words) - (pattern.endswith(" ") + 1)
        for k in range(1 + pattern.startswith(" "), inner + 1):
            hints[" ".join(words[:k]) + "  "] = None
    return list(hints)


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
    # Any match overlapping an allowed phrase is ignored, before or after it (sharing the
    # space between two words is not overlapping).
    starts = [a[0] for a in allow_spans]
    out = []
    for match in kept:
        k = bisect.bisect_left(starts, match[2] - 1)
        if k and allow_spans[k - 1][1] - 1 > match[1]:
            continue
        out.append(match)
    return out


def _needs_resolving(matches: list[tuple[int, int, int]], allowed: Sequence[bool]) -> bool:
    """False when `_resolve` would return `matches` as they are: none allowed, none overlap.

    The automaton reports matches by where they end; when each starts at or after the end of
    the one before (or on its closing space), that is also the order `_resolve` sorts them
    into, and it drops none: a pattern is at least three characters long, so none is inside
    the one before.
    """
    reach = -1
    for pattern, start, end in matches:
        if allowed[pattern] or start < reach - 1:
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
_N_LETTER_HINTS = len(LETTER_HINTS)
_DIGIT_HINTS_END = _N_LETTER_HINTS + len(DIGIT_HINTS)
_PENDING = "_pending_spans"  # a Hit's matches in the normalised text, before `spans` is read
_PENDING_HITS = "_pending_hits"  # how to make a Verdict's hits, before `hits` is read


def _frozen(cls: type[T], fields: dict[str, object]) -> T:
    """An instance of a frozen dataclass without its __init__, `fields` as its __dict__.

    A frozen dataclass sets each field through object.__setattr__, which costs more than the
    rest of a verdict on the hot path; handing it its __dict__ builds the same object.
    """
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    return obj


Matches = list[tuple[int, int, int]]


def _past_hints(
    automaton: Any, n_hints: int, text: str, folded: str, found: Matches
) -> tuple[Matches, str | None]:
    """The keyword matches of `fast_fold`'s text and the text they are in, once the hints in
    `found` are seen to; (_, None) when the message needs the careful way.

    One-character words are fine unless three are in a row; digits are rewritten in place and
    the text matched again; elongation and a phrase split by punctuation need `normalize`.
    """
    hints = [hit for hit in found if hit[0] < n_hints]
    top = max(hints)[0]
    if top >= _DIGIT_HINTS_END or (len(hints) > 1 and letters_spaced_apart(text, folded, hints)):
        return [], None
    if top < _N_LETTER_HINTS:
        return [hit for hit in found if hit[0] >= n_hints], folded
    matched = fast_digits(folded, [s for i, s, _ in hints if i >= _N_LETTER_HINTS])
    found = automaton.find_matches_as_indexes(matched, overlapping=True)
    if any(_DIGIT_HINTS_END <= hit[0] < n_hints for hit in found):
        return [], None  # the digits made three equal letters in a row
    return [hit for hit in found if hit[0] >= n_hints], matched


def evaluate(
    compiled: CompiledPolicy, text: str, version: int = 0, norm: Normalized | None = None
) -> Verdict:
    """Score one message. Pure and in memory: the hot path."""
    automaton = compiled.automaton
    if automaton is None:
        return compiled.verdict_for(version)
    n_hints = compiled.n_hints
    # The hot path first: the first pass as it is (`fast_fold`), unless hints say otherwise.
    fast: tuple[str, str, str] | None = None  # the message, its fast fold, what was matched
    folded = fast_fold(text) if norm is None else None
    if folded is not None:
        matches = automaton.find_matches_as_indexes(folded, overlapping=True)
        if not matches:
            return compiled.verdict_for(version)
        matched: str | None = folded
        if min(matches)[0] < n_hints:
            matches, matched = _past_hints(automaton, n_hints, text, folded, matches)
        if matched is not None:
            fast = (text, folded, matched)
    if fast is None:  # the careful way
        if norm is None:
            norm = normalize(text)
        found = automaton.find_matches_as_indexes(norm.text, overlapping=True)
        matches = [hit for hit in found if hit[0] >= n_hints]
    if not matches:
        return compiled.verdict_for(version)
    source = fast or norm
    assert source is not None
    if len(matches) == 1:  # the common case: its rules were worked out when compiling
        pattern = matches[0][0]
        if not compiled.solo[pattern] or compiled.allowed[pattern]:
            return compiled.verdict_for(version)
        score = compiled.solo_score[pattern]
        recipe = functools.partial(_solo_hits, compiled, matches[0], source)
    else:
        if _needs_resolving(matches, compiled.allowed):
            matches = _resolve(matches, compiled.allowed)
            if not matches:
                return compiled.verdict_for(version)
        fired_rules = _fired_together(compiled, matches)
        if fired_rules is None:  # rules that take several matches might fire: the whole way
            fired = _fire(compiled, matches, source)
            fired_rules = sorted(fired)
        if not fired_rules:
            return compiled.verdict_for(version)
        rules = compiled.rules
        score = round(sum(rules[index].weight for index in fired_rules), 9)
        recipe = functools.partial(_all_hits, compiled, matches, source)
    return _frozen(
        Verdict,
        {
            "flagged": score >= compiled.threshold - 1e-9,
            "score": score,
            "threshold": compiled.threshold,
            "policy_version": version,
            _PENDING_HITS: recipe,
        },
    )


def _fired_together(compiled: CompiledPolicy, matches: Matches) -> list[int] | None:
    """The rules several matches fire, when each of them is fired by one match alone (sorted);
    None when a rule that takes more than one match may fire."""
    solo = compiled.solo
    owners = compiled.owners
    company = compiled.company
    fired: set[int] = set()
    sets: set[int] = set()
    wanted: set[int] = set()
    for pattern, _, _ in matches:
        fired.update(solo[pattern])
        sets.update(owners[pattern])
        joins = company[pattern]
        if joins is None:
            return None
        wanted.update(joins)
    return None if not sets.isdisjoint(wanted) else sorted(fired)


def _fire(
    compiled: CompiledPolicy, matches: Matches, source: Normalized | tuple[str, str, str]
) -> dict[int, list[tuple[int, int]]]:
    """The rules `matches` fire (in rule order), each with the matches that made it fire."""
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
                norm = _normalized(source)
                positions = [
                    [(norm.word_index(s), norm.word_index(max(e - 2, s))) for s, e in g]
                    for g in group_hits
                ]
                if not _near(positions, rule.within):
                    continue
            fired[index] = [h for g in group_hits for h in g]
    return fired


def _hits(
    compiled: CompiledPolicy, fired: dict[int, list[tuple[int, int]]], norm: Normalized
) -> tuple[Hit, ...]:
    hits: list[Hit] = []
    for index, found in fired.items():
        rule = compiled.rules[index]
        # Spans are mapped back to the original when first read (see Hit.__getattr__).
        fields = {"rule": rule.name, "weight": rule.weight, "shadow": rule.shadow}
        fields[_PENDING] = (norm, found)
        hits.append(_frozen(Hit, fields))
    return tuple(hits)


def _normalized(source: Normalized | tuple[str, str, str]) -> Normalized:
    return source if isinstance(source, Normalized) else Normalized.from_fast_fold(*source)


def _all_hits(
    compiled: CompiledPolicy, matches: Matches, source: Normalized | tuple[str, str, str]
) -> tuple[Hit, ...]:
    norm = _normalized(source)
    return _hits(compiled, _fire(compiled, matches, norm), norm)


def _solo_hits(
    compiled: CompiledPolicy,
    match: tuple[int, int, int],
    source: Normalized | tuple[str, str, str],
) -> tuple[Hit, ...]:
    found = [(match[1], match[2])]
    return _hits(compiled, dict.fromkeys(compiled.solo[match[0]], found), _normalized(source))


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
