"""The policy as moderators write it: word lists, weighted rules, threshold, allow-list (YAML).

Parsing is strict and reports every problem at once, each naming the rule or list and what is
wrong, so an import is all or nothing. The YAML layout is documented in default_policy.yaml.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot import texts
from bot.errors import UserFacingError
from bot.policy import italian
from bot.policy.normalize import SHORT_FORMS, normalize_words

POLICY_TEXT_MAX_BYTES = 256 * 1024  # a policy is a readable YAML file, not a data dump

NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,63}$")
MAX_TERM_CHARS = 100
MAX_TERMS = 50_000  # words and phrases after expanding verbs: bounds compile time and memory
MAX_RULES = 500
MAX_GROUPS = 5
MAX_WITHIN = 200
MIN_WILDCARD_CHARS = 3
MAX_VARIANTS = 16  # short forms of one phrase ("non ho budget" → "nn ho budget"…)
LIST_KEYS = ("description", "terms", "verbs", "verbs_third", "infinitives")
RULE_KEYS = ("name", "description", "weight", "any", "all", "within", "requires", "shadow")
TOP_KEYS = ("threshold", "allow", "lists", "rules", "exempt", "version")


class PolicyError(UserFacingError):
    """A policy (or a change to it) is invalid; `problems` lists each one."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(texts.POLICY_INVALID) + "\n  - " + "\n  - ".join(self.problems))


@dataclass(frozen=True)
class WordList:
    """A named family of words; rules use it as "@name"."""

    name: str
    description: str = ""
    terms: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()  # Italian infinitives → forms addressed to you (mi fai, fammi…)
    verbs_third: tuple[str, ...] = ()  # → forms about someone (qualcuno mi fa, che mi faccia…)
    infinitives: tuple[str, ...] = ()  # → fare, farlo, farla…

    def expanded(self) -> list[str]:
        """Every word or phrase the list matches, verbs conjugated."""
        out = list(self.terms)
        for verb in self.verbs:
            out.extend(italian.second_person(verb))
        for verb in self.verbs_third:
            out.extend(italian.third_person(verb))
        for verb in self.infinitives:
            out.extend(italian.infinitives(verb))
        return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Rule:
    """Fires when every group has a match (a group matches when any of its items does).

    An item is "@list" or a word/phrase. `within` asks the groups' matches to be at most that
    many words apart; `requires` names earlier rules, one of which must have fired.
    """

    name: str
    weight: float
    groups: tuple[tuple[str, ...], ...]
    description: str = ""
    within: int | None = None
    requires: tuple[str, ...] = ()
    shadow: bool = False


@dataclass(frozen=True)
class PolicySpec:
    threshold: float = 1.0
    rules: tuple[Rule, ...] = ()
    lists: tuple[WordList, ...] = ()
    allow: tuple[str, ...] = ()
    exempt_roles: frozenset[int] = field(default_factory=frozenset)
    exempt_channels: frozenset[int] = field(default_factory=frozenset)
    version: int = 0

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)

    def word_list(self, name: str) -> WordList | None:
        return next((w for w in self.lists if w.name == name), None)

    def content_key(self) -> tuple[object, ...]:
        """What the compiled matcher depends on (not the version, not the exemptions)."""
        return (self.threshold, self.rules, self.lists, self.allow)

    def with_version(self, version: int) -> PolicySpec:
        return replace(self, version=version)

    def same_as(self, other: PolicySpec) -> bool:
        """Same rules, lists, threshold, allow-list and exemptions, whatever the version."""
        return replace(self, version=0) == replace(other, version=0)

    @property
    def max_score(self) -> float:
        """The highest score a message can reach: every rule with a positive weight firing."""
        return round(sum(r.weight for r in self.rules if r.weight > 0), 9)

    @property
    def can_flag(self) -> bool:
        """False when no message can reach the threshold (no rules, or weights too low)."""
        return self.max_score >= self.threshold - 1e-9


# --- terms -----------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def term_pattern(term: str) -> str:
    """The matcher's form of a word or phrase: " w1 w2 " (spaces are word boundaries).

    `*` at the start or end (AutoMod style) lifts that boundary: "grafic*" matches grafica,
    grafiche; "*grafia" matches infografia; "*seo*" matches inside any word. Raises ValueError
    with a message for the moderator.
    """
    raw = term.strip()
    if not raw:
        raise ValueError(texts.POLICY_TERM_EMPTY)
    if len(raw) > MAX_TERM_CHARS:
        raise ValueError(texts.POLICY_TERM_TOO_LONG.format(limit=MAX_TERM_CHARS))
    left = raw.startswith("*")
    right = raw.endswith("*")
    core = raw.strip("*").strip()
    if "*" in core:
        raise ValueError(texts.POLICY_TERM_WILDCARD)
    words = normalize_words(core)
    if not words:
        raise ValueError(texts.POLICY_TERM_NO_WORDS)
    body = " ".join(words)
    if (left or right) and len(body.replace(" ", "")) < MIN_WILDCARD_CHARS:
        raise ValueError(texts.POLICY_TERM_WILDCARD_SHORT.format(n=MIN_WILDCARD_CHARS))
    return ("" if left else " ") + body + ("" if right else " ")


@lru_cache(maxsize=200_000)
def term_patterns(term: str) -> tuple[str, ...]:
    """`term_pattern` and the variants with chat short forms (non → nn, per → x, you → u)."""
    pattern = term_pattern(term)
    words = pattern.strip(" ").split(" ")
    # A word cut by a wildcard is not a whole word: it keeps its spelling.
    first_whole = 0 if pattern.startswith(" ") else 1
    last_whole = len(words) if pattern.endswith(" ") else len(words) - 1
    variants = [words]
    for i in range(first_whole, last_whole):
        shorts = SHORT_FORMS.get(words[i], ())
        if shorts:
            variants += [[*v[:i], short, *v[i + 1 :]] for v in variants for short in shorts]
            if len(variants) > MAX_VARIANTS:
                variants = variants[:MAX_VARIANTS]
                break
    left = " " if pattern.startswith(" ") else ""
    right = " " if pattern.endswith(" ") else ""
    return tuple(dict.fromkeys(left + " ".join(v) + right for v in variants))


# --- parsing ---------------------------------------------------------------------------------


def _strings(value: Any, where: str, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(texts.POLICY_NOT_A_LIST.format(where=where, key=key))
        return ()
    out: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            problems.append(texts.POLICY_NOT_TEXT.format(where=where, key=key, item=repr(item)))
            continue
        out.append(str(item))
    return tuple(out)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _ids(value: Any, key: str, problems: list[str]) -> frozenset[int]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**64 for v in value
    ):
        problems.append(texts.POLICY_BAD_IDS.format(key=key))
        return frozenset()
    return frozenset(value)


def parse_policy(data: Any) -> PolicySpec:
    """A validated PolicySpec from loaded YAML; PolicyError lists every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise PolicyError([str(texts.POLICY_NOT_A_MAPPING)])
    for key in data:
        if key not in TOP_KEYS:
            problems.append(texts.POLICY_UNKNOWN_KEY.format(where="policy", key=key))

    threshold = _number(data.get("threshold", 1.0))
    if threshold is None or threshold <= 0:
        problems.append(str(texts.POLICY_BAD_THRESHOLD))
        threshold = 1.0

    allow = _strings(data.get("allow"), "allow", "allow", problems)
    for term in allow:
        try:
            term_pattern(term)
        except ValueError as exc:
            problems.append(texts.POLICY_ALLOW_PROBLEM.format(term=term, problem=exc))

    lists = _parse_lists(data.get("lists"), problems)
    rules = _parse_rules(data.get("rules"), {w.name for w in lists}, problems)

    exempt = data.get("exempt") or {}
    if not isinstance(exempt, Mapping):
        problems.append(texts.POLICY_BAD_IDS.format(key="exempt"))
        exempt = {}
    roles = _ids(exempt.get("roles"), "exempt.roles", problems)
    channels = _ids(exempt.get("channels"), "exempt.channels", problems)

    total = sum(len(w.expanded()) for w in lists if not _has_bad_verbs(w))
    total += sum(len(g) for r in rules for g in r.groups) + len(allow)
    if total > MAX_TERMS:
        problems.append(texts.POLICY_TOO_MANY_TERMS.format(n=total, limit=MAX_TERMS))
    if problems:
        raise PolicyError(problems)
    return PolicySpec(threshold, tuple(rules), tuple(lists), allow, roles, channels)


def _has_bad_verbs(word_list: WordList) -> bool:
    try:
        word_list.expanded()
    except ValueError:
        return True
    return False


def _parse_lists(raw: Any, problems: list[str]) -> list[WordList]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        problems.append(str(texts.POLICY_LISTS_NOT_MAPPING))
        return []
    lists: list[WordList] = []
    for name, body in raw.items():
        where = texts.POLICY_WHERE_LIST.format(name=name)
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(texts.POLICY_BAD_NAME.format(where=where))
            continue
        if isinstance(body, list):
            body = {"terms": body}
        if not isinstance(body, Mapping):
            problems.append(texts.POLICY_LIST_BODY.format(where=where))
            continue
        for key in body:
            if key not in LIST_KEYS:
                problems.append(texts.POLICY_UNKNOWN_KEY.format(where=where, key=key))
        description = body.get("description") or ""
        word_list = WordList(
            name=name,
            description=str(description),
            terms=_strings(body.get("terms"), where, "terms", problems),
            verbs=_strings(body.get("verbs"), where, "verbs", problems),
            verbs_third=_strings(body.get("verbs_third"), where, "verbs_third", problems),
            infinitives=_strings(body.get("infinitives"), where, "infinitives", problems),
        )
        problems.extend(check_list(word_list))
        lists.append(word_list)
    return lists


def check_list(word_list: WordList) -> list[str]:
    """Problems with one list's terms and verbs (empty when it is fine)."""
    where = texts.POLICY_WHERE_LIST.format(name=word_list.name)
    problems: list[str] = []
    for term in word_list.terms:
        try:
            term_pattern(term)
        except ValueError as exc:
            problems.append(texts.POLICY_TERM_PROBLEM.format(where=where, term=term, problem=exc))
    for verb in (*word_list.verbs, *word_list.verbs_third, *word_list.infinitives):
        try:
            italian.conjugate(verb.split()[0] if verb.split() else verb)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    if not problems and not word_list.expanded():
        problems.append(texts.POLICY_LIST_EMPTY.format(where=where))
    return problems


def _parse_rules(raw: Any, list_names: set[str], problems: list[str]) -> list[Rule]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(str(texts.POLICY_RULES_NOT_LIST))
        return []
    if len(raw) > MAX_RULES:
        problems.append(texts.POLICY_TOO_MANY_RULES.format(limit=MAX_RULES))
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, body in enumerate(raw, start=1):
        if not isinstance(body, Mapping):
            problems.append(texts.POLICY_RULE_BODY.format(n=index))
            continue
        name = body.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(texts.POLICY_RULE_NAME.format(n=index))
            continue
        where = texts.POLICY_WHERE_RULE.format(name=name)
        if name in seen:
            problems.append(texts.POLICY_RULE_DUPLICATE.format(where=where))
            continue
        for key in body:
            if key not in RULE_KEYS:
                problems.append(texts.POLICY_UNKNOWN_KEY.format(where=where, key=key))
        rule = _parse_rule(name, body, where, problems)
        if rule is None:
            continue
        problems.extend(check_rule(rule, list_names, seen))
        seen.add(name)
        rules.append(rule)
    return rules


def _parse_rule(name: str, body: Mapping[str, Any], where: str, problems: list[str]) -> Rule | None:
    weight = _number(body.get("weight"))
    if weight is None or weight == 0:
        problems.append(texts.POLICY_RULE_WEIGHT.format(where=where))
        return None
    has_any, has_all = "any" in body, "all" in body
    if has_any == has_all:
        problems.append(texts.POLICY_RULE_ANY_ALL.format(where=where))
        return None
    groups: list[tuple[str, ...]] = []
    if has_any:
        groups.append(_strings(body["any"], where, "any", problems))
    else:
        raw_all = body["all"]
        if not isinstance(raw_all, list):
            problems.append(texts.POLICY_NOT_A_LIST.format(where=where, key="all"))
            return None
        groups.extend(_strings(g, where, "all", problems) for g in raw_all)
    within = body.get("within")
    if within is not None and (
        isinstance(within, bool) or not isinstance(within, int) or not 1 <= within <= MAX_WITHIN
    ):
        problems.append(texts.POLICY_RULE_WITHIN.format(where=where, limit=MAX_WITHIN))
        within = None
    shadow = body.get("shadow", False)
    if not isinstance(shadow, bool):
        problems.append(texts.POLICY_RULE_SHADOW.format(where=where))
        shadow = False
    return Rule(
        name=name,
        weight=weight,
        groups=tuple(groups),
        description=str(body.get("description") or ""),
        within=within,
        requires=_strings(body.get("requires"), where, "requires", problems),
        shadow=shadow,
    )


def check_rule(rule: Rule, list_names: set[str], earlier_rules: set[str]) -> list[str]:
    """Problems with one rule against the lists and the rules before it."""
    where = texts.POLICY_WHERE_RULE.format(name=rule.name)
    problems: list[str] = []
    if not rule.groups or any(not g for g in rule.groups):
        problems.append(texts.POLICY_RULE_EMPTY_GROUP.format(where=where))
    if len(rule.groups) > MAX_GROUPS:
        problems.append(texts.POLICY_RULE_TOO_MANY_GROUPS.format(where=where, limit=MAX_GROUPS))
    if rule.within is not None and len(rule.groups) < 2:
        problems.append(texts.POLICY_RULE_WITHIN_ALONE.format(where=where))
    for group in rule.groups:
        for item in group:
            if item.startswith("@"):
                if item[1:] not in list_names:
                    problems.append(texts.POLICY_UNKNOWN_LIST.format(where=where, item=item))
                continue
            try:
                term_pattern(item)
            except ValueError as exc:
                problem = texts.POLICY_TERM_PROBLEM.format(where=where, term=item, problem=exc)
                problems.append(problem)
    for required in rule.requires:
        if required not in earlier_rules:
            problems.append(texts.POLICY_RULE_REQUIRES.format(where=where, name=required))
    return problems


def load_policy_text(text: str) -> PolicySpec:
    """Parse YAML text into a validated PolicySpec (PolicyError on any problem)."""
    if len(text) > POLICY_TEXT_MAX_BYTES:  # characters: at least as many bytes
        raise PolicyError([texts.POLICY_TOO_BIG.format(kb=POLICY_TEXT_MAX_BYTES // 1024)])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (riga {mark.line + 1})" if mark is not None else ""
        raise PolicyError([texts.POLICY_BAD_YAML.format(where=where)]) from exc
    except RecursionError:  # thousands of nested brackets: PyYAML recurses per level
        raise PolicyError([texts.POLICY_BAD_YAML.format(where="")]) from None
    return parse_policy(data)


_EXPORTED_VERSION = re.compile(r"^version:[ \t]*(\d{1,12})[ \t]*(?:#.*)?$", re.MULTILINE)


def exported_version(text: str) -> int | None:
    """The policy version a file says it was exported from (its top-level `version:`)."""
    match = _EXPORTED_VERSION.search(text)
    return int(match.group(1)) if match else None


def default_policy_text() -> str:
    """The default policy as written: its rules, and its weights as a person set them."""
    return resources.files("bot.policy").joinpath("default_policy.yaml").read_text("utf-8")


def default_weights_text() -> str:
    return resources.files("bot.policy").joinpath("default_weights.yaml").read_text("utf-8")


def default_policy() -> PolicySpec:
    """The policy a new guild gets: default_policy.yaml with the weights and threshold learned
    on the labelled sets (default_weights.yaml, written by scripts/fit_default_policy.py)."""
    return with_weights(written_default_policy(), yaml.safe_load(default_weights_text()))


def written_default_policy() -> PolicySpec:
    """default_policy.yaml as written (the prior its weights are learned from)."""
    return load_policy_text(default_policy_text())


def with_weights(spec: PolicySpec, data: Any) -> PolicySpec:
    """`spec` with the threshold and rule weights of `data` ({threshold, weights: {rule: w}});
    PolicyError names a rule the policy does not have or a weight that is not a number."""
    problems: list[str] = []
    if not isinstance(data, Mapping) or not isinstance(data.get("weights"), Mapping):
        raise PolicyError([str(texts.POLICY_NOT_A_MAPPING)])
    threshold = _number(data.get("threshold", spec.threshold))
    if threshold is None or threshold <= 0:
        problems.append(str(texts.POLICY_BAD_THRESHOLD))
    weights: dict[str, float] = {}
    for name, value in data["weights"].items():
        weight = _number(value)
        where = texts.POLICY_WHERE_RULE.format(name=name)
        if spec.rule(str(name)) is None:
            problems.append(texts.POLICY_NO_SUCH_RULE.format(name=name))
        elif weight is None or weight == 0:
            problems.append(texts.POLICY_RULE_WEIGHT.format(where=where))
        else:
            weights[str(name)] = weight
    if problems:
        raise PolicyError(problems)
    assert threshold is not None
    rules = tuple(replace(r, weight=weights.get(r.name, r.weight)) for r in spec.rules)
    return replace(spec, rules=rules, threshold=threshold)


# --- export ----------------------------------------------------------------------------------


def spec_to_data(spec: PolicySpec) -> dict[str, Any]:
    lists: dict[str, Any] = {}
    for word_list in spec.lists:
        body: dict[str, Any] = {}
        if word_list.description:
            body["description"] = word_list.description
        for key in ("terms", "verbs", "verbs_third", "infinitives"):
            values = getattr(word_list, key)
            if values:
                body[key] = list(values)
        lists[word_list.name] = body
    rules: list[dict[str, Any]] = []
    for rule in spec.rules:
        item: dict[str, Any] = {"name": rule.name}
        if rule.description:
            item["description"] = rule.description
        item["weight"] = rule.weight
        if len(rule.groups) == 1 and rule.within is None:
            item["any"] = list(rule.groups[0])
        else:
            item["all"] = [g[0] if len(g) == 1 else list(g) for g in rule.groups]
        if rule.within is not None:
            item["within"] = rule.within
        if rule.requires:
            item["requires"] = list(rule.requires)
        if rule.shadow:
            item["shadow"] = True
        rules.append(item)
    data: dict[str, Any] = {"version": spec.version, "threshold": spec.threshold}
    data["allow"] = list(spec.allow)
    data["lists"] = lists
    data["rules"] = rules
    if spec.exempt_roles or spec.exempt_channels:
        data["exempt"] = {
            "roles": sorted(spec.exempt_roles),
            "channels": sorted(spec.exempt_channels),
        }
    return data


_PLAIN = re.compile(r"[^\W_][\w '’.+/€$-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_WRAP = 96


def _scalar(value: object) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    plain = (
        _PLAIN.fullmatch(text) is not None
        and text.lower() not in _YAML_WORDS
        and not text.endswith((" ", "-"))
        and _reads_back_as_text(text)
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


_RESOLVER = yaml.resolver.Resolver()


def _reads_back_as_text(text: str) -> bool:
    """Whether YAML reads `text`, unquoted, as a string (not 0b0, 0x1f, 1_000, a date…)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def _flow(items: Iterable[object], indent: str) -> list[str]:
    """`[a, b, c]`, wrapped between whole items so no word is split across lines."""
    pieces = [_scalar(i) for i in items]
    one_line = "[" + ", ".join(pieces) + "]"
    if len(indent) + len(one_line) <= _WRAP - 20:
        return [one_line]
    lines = ["["]
    row = indent + "  "
    for piece in pieces:
        if len(row) + len(piece) + 2 > _WRAP and row.strip():
            lines.append(row.rstrip())
            row = indent + "  "
        row += piece + ", "
    lines.append(row.rstrip().rstrip(","))
    lines.append(indent + "]")
    return lines


def _field(key: str, items: Iterable[object], indent: str) -> list[str]:
    flow = _flow(items, indent)
    return [f"{indent}{key}: {flow[0]}", *flow[1:]]


def dump_policy(spec: PolicySpec) -> str:
    """YAML a moderator can read, edit and import again (lists of words on a few lines)."""
    out = [f"version: {spec.version}", f"threshold: {_scalar(spec.threshold)}"]
    out += _field("allow", spec.allow, "")
    out.append("lists:")
    for word_list in spec.lists:
        out.append(f"  {word_list.name}:")
        if word_list.description:
            out.append(f"    description: {_scalar(word_list.description)}")
        for key in ("terms", "verbs", "verbs_third", "infinitives"):
            values = getattr(word_list, key)
            if values:
                out += _field(key, values, "    ")
    out.append("rules:")
    for rule in spec.rules:
        out.append(f"  - name: {_scalar(rule.name)}")
        if rule.description:
            out.append(f"    description: {_scalar(rule.description)}")
        out.append(f"    weight: {_scalar(rule.weight)}")
        if len(rule.groups) == 1 and rule.within is None:
            out += _field("any", rule.groups[0], "    ")
        else:
            groups = ", ".join(
                _scalar(g[0]) if len(g) == 1 else "[" + ", ".join(map(_scalar, g)) + "]"
                for g in rule.groups
            )
            out.append(f"    all: [{groups}]")
        if rule.within is not None:
            out.append(f"    within: {rule.within}")
        if rule.requires:
            out += _field("requires", rule.requires, "    ")
        if rule.shadow:
            out.append("    shadow: true")
    if spec.exempt_roles or spec.exempt_channels:
        out.append("exempt:")
        out += _field("roles", sorted(spec.exempt_roles), "  ")
        out += _field("channels", sorted(spec.exempt_channels), "  ")
    return str(texts.POLICY_EXPORT_HEADER) + "\n".join(out) + "\n"
