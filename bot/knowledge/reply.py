"""What `/ask` shows, the same in Discord, the console and the CLI: the answer when Rete is sure;
otherwise "non ne sono sicura" with up to three likely sources (title and one line each, linked),
never an invented answer; and, for moderators, why an answer was chosen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import limits, texts
from bot.knowledge.models import FAQ_PREFIX, Answer

GIST_MAX = 140  # characters of a suggested source's one line


@dataclass(frozen=True)
class Why:
    """Why the best candidate was chosen, in words a moderator can check."""

    source: str
    kind: str  # "faq" or "passage"
    matched: tuple[str, ...]  # the question's words the source has
    missing: tuple[str, ...]  # the question's words it lacks
    features: tuple[tuple[str, float], ...]  # the confidence's evidence, by name
    confidence: float
    threshold: float


@dataclass(frozen=True)
class Reply:
    answer: Answer | None  # shown when Rete is sure
    suggestions: tuple[Answer, ...]  # shown instead when it is not (may be empty)
    why: Why | None  # about the best candidate, answered or not


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def gist(text: str, limit: int = GIST_MAX) -> str:
    """A source's one line: its first sentence, clipped."""
    flat = " ".join(text.split())
    first = _SENTENCE_END.split(flat, maxsplit=1)[0]
    return limits.clip(first, limit)


def suggestion_lines(reply: Reply, *, markdown: bool) -> list[str]:
    """ "Non ne sono sicura" and the likely sources, or the plain "non lo so" when there are
    none. With `markdown` the titles link to their pages (Discord); otherwise the link follows."""
    if not reply.suggestions:
        return [str(texts.KB_DONT_KNOW)]
    lines = [str(texts.KB_UNSURE)]
    for answer in reply.suggestions:
        kind = (
            texts.KB_SOURCE_FAQ if answer.source.startswith(FAQ_PREFIX) else texts.KB_SOURCE_ARTICLE
        )
        if markdown and answer.url:
            title = f"[{limits.clip(answer.title, 120)}](<{answer.url}>)"
        elif markdown:
            title = f"**{limits.clip(answer.title, 120)}**"
        else:
            title = answer.title + (f" ({answer.url})" if answer.url else "")
        lines.append(texts.KB_SUGGESTION.format(title=title, kind=kind, gist=gist(answer.text)))
    return lines


def explain_lines(why: Why) -> list[str]:
    """The explanation of an answer, one fact a line."""
    kind = texts.KB_SOURCE_FAQ if why.kind == "faq" else texts.KB_SOURCE_ARTICLE
    labels = texts.KB_WHY_FEATURE_LABELS
    features = ", ".join(f"{labels.get(name, name)} {value:.2f}" for name, value in why.features)
    return [
        texts.KB_WHY_SOURCE.format(source=why.source, kind=kind),
        texts.KB_WHY_MATCHED.format(words=", ".join(why.matched) or "—"),
        texts.KB_WHY_MISSING.format(words=", ".join(why.missing) or "—"),
        texts.KB_WHY_CONFIDENCE.format(
            percent=round(why.confidence * 100), threshold=round(why.threshold * 100)
        ),
        texts.KB_WHY_FEATURES.format(features=features),
    ]


def answer_lines(answer: Answer) -> list[str]:
    """An answer as plain text lines (console and CLI)."""
    head = texts.KB_ANSWER_HEAD.format(source=answer.source, title=answer.title, score=answer.score)
    lines = [head, answer.text]
    byline = ", ".join(x for x in (answer.author, answer.date) if x)
    if byline:
        lines.append(f"— {byline}")
    if answer.url:
        lines.append(answer.url)
    return lines


def plain_lines(reply: Reply, *, explain: bool = False) -> list[str]:
    """The whole reply as plain text lines: the answer, else the suggestions; then, when asked,
    why the best candidate was chosen."""
    lines = answer_lines(reply.answer) if reply.answer else suggestion_lines(reply, markdown=False)
    if explain and reply.why is not None:
        lines += ["", *explain_lines(reply.why)]
    return lines
