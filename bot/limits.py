"""Discord's limits, each enforced in one helper (pure: no discord import)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

MESSAGE_CONTENT_MAX = 2000  # characters in a message's content
EMBED_DESCRIPTION_MAX = 4096  # characters in an embed description
EMBED_TITLE_MAX = 256  # characters in an embed title
EMBED_FIELD_VALUE_MAX = 1024  # characters in an embed field value
EMBED_FIELD_NAME_MAX = 256
EMBED_AUTHOR_NAME_MAX = 256  # characters in an embed author's name
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000  # all text of all embeds of one message
CUSTOM_ID_MAX = 100  # characters in a component custom_id
AUTOCOMPLETE_CHOICES_MAX = 25  # choices in one autocomplete answer
CHOICE_NAME_MAX = 100  # characters in a choice's name (and value, for strings)
MODAL_INPUT_MAX = 4000  # characters in one text input of a modal
BUTTON_LABEL_MAX = 80  # characters in a button's label
MODAL_TITLE_MAX = 45  # characters in a modal's title
TEXT_INPUT_LABEL_MAX = 45  # characters in the label of a modal's text input
TEXT_INPUT_PLACEHOLDER_MAX = 100  # characters in the placeholder of a modal's text input
INTERACTION_FIRST_RESPONSE_S = 3.0  # seconds to answer (or defer) an interaction
ELLIPSIS = "…"

_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")


def clip(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def clip_at_sentence(text: str, limit: int, *, min_fraction: float = 0.5) -> str:
    """Cut at the last sentence boundary within `limit`, else at a word boundary, else hard.

    A sentence boundary is kept only when it leaves at least `min_fraction` of the limit, so a
    short first sentence does not swallow a passage that fits almost whole.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    window = text[: limit - len(ELLIPSIS)]
    best = -1
    for match in _SENTENCE_END.finditer(window):
        best = match.end()
    if best >= limit * min_fraction:
        return window[:best].rstrip()
    space = window.rfind(" ")
    if space >= limit * min_fraction:
        return window[:space].rstrip(" ,;:") + ELLIPSIS
    return clip(text, limit)


def message_content(text: str) -> str:
    return clip(text, MESSAGE_CONTENT_MAX)


def embed_description(text: str) -> str:
    return clip(text, EMBED_DESCRIPTION_MAX)


def embed_title(text: str) -> str:
    return clip(text, EMBED_TITLE_MAX)


def embed_field_value(text: str) -> str:
    return clip(text, EMBED_FIELD_VALUE_MAX) or "—"


def embed_url(url: str | None) -> str | None:
    """A link Discord accepts in an embed (url, author.url…): an absolute http(s) address.

    Anything else (a relative path stored by an older import, javascript:, mailto:) would get
    the whole message refused with 50035 URL_TYPE_INVALID_SCHEME; it is left out instead.
    """
    if not url:
        return None
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        return None
    if any(c.isspace() for c in url):
        return None
    return url


def choice_name(text: str) -> str:
    return clip(text, CHOICE_NAME_MAX)


def embed_author_name(text: str) -> str:
    return clip(text, EMBED_AUTHOR_NAME_MAX)


def button_label(text: str) -> str:
    return clip(text, BUTTON_LABEL_MAX)


def modal_title(text: str) -> str:
    return clip(text, MODAL_TITLE_MAX)


def text_input_label(text: str) -> str:
    return clip(text, TEXT_INPUT_LABEL_MAX)


def text_input_placeholder(text: str) -> str:
    return clip(text, TEXT_INPUT_PLACEHOLDER_MAX)


def custom_id(value: str) -> str:
    """A custom_id must fit in 100 characters; a longer one is a programming error."""
    if len(value) > CUSTOM_ID_MAX:
        raise ValueError(f"custom_id longer than {CUSTOM_ID_MAX} characters: {value[:40]}…")
    return value


def autocomplete_choices(choices: Sequence[T]) -> list[T]:
    return list(choices[:AUTOCOMPLETE_CHOICES_MAX])
