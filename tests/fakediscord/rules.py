"""Discord's payload rules that bite bots, checked the way Discord answers: 400 + error codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tests.fakediscord.models import iter_components

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
CUSTOM_ID_MAX = 100
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
COMMANDS_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_DESCRIPTION_MAX = 100
IS_COMPONENTS_V2 = 1 << 15
COMMAND_TOTAL_MAX = 4000  # name, description and every option's name/description/choices
EMBED_URL_SCHEMES = ("http", "https", "attachment")  # what an embed's links may use
_EMBED_URL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("url",),
    ("author", "url"),
    ("author", "icon_url"),
    ("footer", "icon_url"),
    ("image", "url"),
    ("thumbnail", "url"),
)

_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a path into the JSON body), Discord's error code, a message."""

    path: tuple[str | int, ...]
    code: str
    message: str

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.path)


def form_error(problems: Iterable[Problem]) -> dict[str, Any]:
    """Discord's 400 body for invalid payloads (code 50035, errors nested by path)."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _too_long(path: tuple[str | int, ...], value: object, limit: int) -> list[Problem]:
    if isinstance(value, str) and len(value) > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    return []


def _scheme_problem(path: tuple[str | int, ...], value: object) -> list[Problem]:
    """Discord refuses a link whose scheme is not http(s) (or attachment:// for embeds); a
    relative address has no scheme at all and is refused the same way."""
    if value is None:
        return []
    text = str(value)
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme in EMBED_URL_SCHEMES and "://" in text:
        return []
    return [
        Problem(
            path,
            "URL_TYPE_INVALID_SCHEME",
            f'Scheme "{scheme}" is not supported. Scheme must be one of {EMBED_URL_SCHEMES}.',
        )
    ]


def embed_text_length(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6,000 total of a message's embeds."""
    total = len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
    for item in embed.get("fields") or []:
        total += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
    total += len(str((embed.get("footer") or {}).get("text") or ""))
    total += len(str((embed.get("author") or {}).get("name") or ""))
    return total


def check_embeds(embeds: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    if len(embeds) > EMBEDS_MAX:
        problems.append(
            Problem(
                ("embeds",), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length."
            )
        )
    total = 0
    for i, embed in enumerate(embeds):
        at: tuple[str | int, ...] = ("embeds", i)
        problems += _too_long((*at, "title"), embed.get("title"), EMBED_TITLE_MAX)
        problems += _too_long((*at, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            problems.append(
                Problem(
                    (*at, "fields"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {EMBED_FIELDS_MAX} or fewer in length.",
                )
            )
        for j, item in enumerate(fields):
            problems += _too_long(
                (*at, "fields", j, "name"), item.get("name"), EMBED_FIELD_NAME_MAX
            )
            problems += _too_long(
                (*at, "fields", j, "value"), item.get("value"), EMBED_FIELD_VALUE_MAX
            )
            for key in ("name", "value"):
                if not str(item.get(key) or "").strip():
                    problems.append(
                        Problem(
                            (*at, "fields", j, key), "BASE_TYPE_REQUIRED", "This field is required"
                        )
                    )
        problems += _too_long(
            (*at, "footer", "text"), (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX
        )
        problems += _too_long(
            (*at, "author", "name"), (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX
        )
        for fields_path in _EMBED_URL_FIELDS:
            node: object = embed
            for key in fields_path:
                node = node.get(key) if isinstance(node, dict) else None
            problems += _scheme_problem((*at, *fields_path), node)
        total += embed_text_length(embed)
    if total > EMBED_TOTAL_MAX:
        problems.append(
            Problem(
                ("embeds",),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    return problems


def check_components(components: list[dict[str, Any]], flags: int = 0) -> list[Problem]:
    problems: list[Problem] = []
    if not flags & IS_COMPONENTS_V2 and len(components) > ACTION_ROWS_MAX:
        problems.append(
            Problem(
                ("components",),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {ACTION_ROWS_MAX} or fewer in length.",
            )
        )
    for i, row in enumerate(components):
        if row.get("type") == 1 and len(row.get("components") or []) > ROW_BUTTONS_MAX:
            problems.append(
                Problem(
                    ("components", i, "components"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {ROW_BUTTONS_MAX} or fewer in length.",
                )
            )
    seen: set[str] = set()
    for component in iter_components(components):
        kind = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            problems += _too_long(("components", "custom_id"), custom_id, CUSTOM_ID_MAX)
            if custom_id in seen:
                problems.append(
                    Problem(
                        ("components", "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen.add(custom_id)
        if kind == 2:  # button: a link has a url, every other style a custom_id
            problems += _too_long(("components", "label"), component.get("label"), BUTTON_LABEL_MAX)
            if component.get("style") == 5:
                if not component.get("url"):
                    problems.append(
                        Problem(
                            ("components", "url"), "BASE_TYPE_REQUIRED", "This field is required"
                        )
                    )
                elif not str(component["url"]).startswith(("http://", "https://", "discord://")):
                    problems += _scheme_problem(("components", "url"), component["url"])
            elif component.get("style") != 6 and not custom_id:
                problems.append(
                    Problem(
                        ("components", "custom_id"), "BASE_TYPE_REQUIRED", "This field is required"
                    )
                )
        if kind == 3 and len(component.get("options") or []) > SELECT_OPTIONS_MAX:
            problems.append(
                Problem(
                    ("components", "options"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {SELECT_OPTIONS_MAX} or fewer in length.",
                )
            )
    return problems


def check_allowed_mentions(allowed: dict[str, Any] | None) -> list[Problem]:
    if not allowed:
        return []
    problems: list[Problem] = []
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            problems.append(
                Problem(
                    ("allowed_mentions", "parse"),
                    "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.',
                )
            )
    return problems


def check_message(body: dict[str, Any]) -> list[Problem]:
    """Content, embeds, components and allowed_mentions of a message being sent or edited."""
    problems = _too_long(("content",), body.get("content"), CONTENT_MAX)
    problems += check_embeds(list(body.get("embeds") or []))
    problems += check_components(list(body.get("components") or []), int(body.get("flags") or 0))
    problems += check_allowed_mentions(body.get("allowed_mentions"))
    return problems


def is_empty_message(body: dict[str, Any], *, has_files: bool) -> bool:
    """Discord refuses (50006) a new message with nothing in it."""
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or has_files
    )


def check_choices(data: dict[str, Any]) -> list[Problem]:
    choices = list(data.get("choices") or [])
    problems: list[Problem] = []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        problems.append(
            Problem(
                ("data", "choices"),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length.",
            )
        )
    for i, choice in enumerate(choices):
        name = str(choice.get("name") or "")
        if not 1 <= len(name) <= CHOICE_NAME_MAX:
            problems.append(
                Problem(
                    ("data", "choices", i, "name"),
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {CHOICE_NAME_MAX} in length.",
                )
            )
        problems += _too_long(
            ("data", "choices", i, "value"), choice.get("value"), CHOICE_VALUE_MAX
        )
    return problems


def check_modal(data: dict[str, Any]) -> list[Problem]:
    problems = _too_long(("data", "title"), data.get("title"), MODAL_TITLE_MAX)
    problems += _too_long(("data", "custom_id"), data.get("custom_id"), CUSTOM_ID_MAX)
    components = list(data.get("components") or [])
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(
            Problem(
                ("data", "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
            )
        )
    for component in iter_components(components):
        problems += _too_long(
            ("data", "components", "custom_id"), component.get("custom_id"), CUSTOM_ID_MAX
        )
        if component.get("type") == 4:
            problems += _too_long(
                ("data", "components", "label"), component.get("label"), TEXT_INPUT_LABEL_MAX
            )
            problems += _too_long(
                ("data", "components", "value"), component.get("value"), TEXT_INPUT_VALUE_MAX
            )
            # A pre-filled value must fit the input's own max_length, as a member's would.
            own_max = component.get("max_length")
            if own_max is not None and int(own_max) < TEXT_INPUT_VALUE_MAX:
                problems += _too_long(
                    ("data", "components", "value"), component.get("value"), int(own_max)
                )
            if int(component.get("max_length") or 0) > TEXT_INPUT_VALUE_MAX:
                problems.append(
                    Problem(
                        ("data", "components", "max_length"),
                        "NUMBER_TYPE_MAX",
                        f"int value should be less than or equal to {TEXT_INPUT_VALUE_MAX}.",
                    )
                )
    return problems


def check_commands(commands: list[dict[str, Any]]) -> list[Problem]:
    """A bulk overwrite (command sync): names, descriptions, option order and counts."""
    problems: list[Problem] = []
    if len(commands) > COMMANDS_MAX:
        problems.append(
            Problem((), "APPLICATION_COMMANDS_TOO_MANY", f"Max {COMMANDS_MAX} commands")
        )
    names: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        kind = int(command.get("type", 1))
        name = str(command.get("name") or "")
        key = (kind, name)
        if key in names:
            problems.append(
                Problem((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
            )
        names.add(key)
        if kind == 1:
            problems += _check_option_like((i,), command)
            total = command_text_length(command)
            if total > COMMAND_TOTAL_MAX:
                problems.append(
                    Problem(
                        (i,),
                        "APPLICATION_COMMAND_TOO_LARGE",
                        f"Command exceeds maximum size ({COMMAND_TOTAL_MAX}): {total}",
                    )
                )
    return problems


def command_text_length(item: dict[str, Any]) -> int:
    """What Discord counts towards a command's 4,000 characters: its name and description and
    those of every subcommand, group and option, and every choice's name and value."""
    total = len(str(item.get("name") or "")) + len(str(item.get("description") or ""))
    for choice in item.get("choices") or []:
        total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for option in item.get("options") or []:
        total += command_text_length(option)
    return total


def deprecated_fields(command: dict[str, Any]) -> list[str]:
    """Fields Discord has deprecated that a command relies on: `dm_permission` without
    `contexts` (Discord reads `contexts`; discord.py sends both)."""
    if command.get("dm_permission") is False and command.get("contexts") is None:
        return [f"/{command.get('name')}: dm_permission without contexts"]
    return []


def _check_option_like(at: tuple[str | int, ...], item: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    name = str(item.get("name") or "")
    if not _COMMAND_NAME.match(name) or name != name.lower():
        problems.append(
            Problem((*at, "name"), "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}")
        )
    description = str(item.get("description") or "")
    if not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
        problems.append(
            Problem(
                (*at, "description"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {COMMAND_DESCRIPTION_MAX} in length.",
            )
        )
    options = list(item.get("options") or [])
    if len(options) > COMMAND_OPTIONS_MAX:
        problems.append(
            Problem(
                (*at, "options"),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {COMMAND_OPTIONS_MAX} or fewer in length.",
            )
        )
    optional_seen = False
    for j, option in enumerate(options):
        where = (*at, "options", j)
        problems += _check_option_like(where, option)
        if int(option.get("type", 3)) in (1, 2):
            continue
        if option.get("required"):
            if optional_seen:
                problems.append(
                    Problem(
                        (*where, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            optional_seen = True
        if len(option.get("choices") or []) > AUTOCOMPLETE_CHOICES_MAX:
            problems.append(
                Problem(
                    (*where, "choices"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length.",
                )
            )
    return problems
