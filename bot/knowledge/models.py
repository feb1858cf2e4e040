"""What the knowledge base reads, stores and returns: documents, FAQ entries, answers, excerpts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot import texts
from bot.errors import UserFacingError
from bot.knowledge.markup import Passage
from bot.knowledge.text import ANALYZER_VERSION

SHARED_GUILD = 0  # the academy's own knowledge: visible in every guild
# What the /faq edit form holds (its text inputs' max_length; Discord allows 4,000 in one input).
# Every FAQ entry, however it arrives, fits these, so it can always be edited in the form.
FAQ_QUESTION_MAX = 300
FAQ_VARIANT_MAX = 300  # one variant
FAQ_VARIANTS_MAX = 1500  # all variants, one per line, as the form shows them
FAQ_ANSWER_MAX = 4000
FAQ_LINKS_MAX = 1000  # all links, one per line
# The largest file a moderator uploads for import (Discord's /faq import, the dashboard's form).
UPLOAD_MAX_BYTES = 1_000_000


def faq_too_long(
    question: str, answer: str, variants: Sequence[str], links: Sequence[str]
) -> tuple[str, int, int] | None:
    """The first field of a FAQ entry longer than the edit form allows: (field, length, max)."""
    fields: list[tuple[str, int, int]] = [
        ("question", len(question), FAQ_QUESTION_MAX),
        *((f"variants[{i}]", len(v), FAQ_VARIANT_MAX) for i, v in enumerate(variants, 1)),
        ("variants", len("\n".join(variants)), FAQ_VARIANTS_MAX),
        ("answer", len(answer), FAQ_ANSWER_MAX),
        ("links", len("\n".join(links)), FAQ_LINKS_MAX),
    ]
    return next(((name, n, most) for name, n, most in fields if n > most), None)


FAQ_PREFIX = "faq-"
ARTICLE_PREFIX = "article:"


class KnowledgeError(UserFacingError):
    """A knowledge-base operation that cannot be done, explained to the person who asked."""


class KnowledgeImportError(KnowledgeError):
    """A source that cannot be imported: names the file (or URL) and the problem."""

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


class PartialImportError(KnowledgeError):
    """A large import stopped midway (a disk error, a crash, two stored articles renamed onto
    each other): what was written stays, and importing the same sources again finishes it."""

    def __init__(self, written: int, total: int, cause: BaseException) -> None:
        super().__init__(
            texts.KB_IMPORT_INTERRUPTED.format(
                written=written, total=total, problem=f"{type(cause).__name__}: {cause}"
            )
        )
        self.written = written
        self.total = total


def faq_source(key: str) -> str:
    """The public source name of a FAQ entry: its id, which by convention starts with "faq-"."""
    return key if key.startswith(FAQ_PREFIX) else FAQ_PREFIX + key


def article_source(slug: str) -> str:
    return ARTICLE_PREFIX + slug


@dataclass(frozen=True)
class Answer:
    source: str  # "faq-<id>" or "article:<slug>"
    score: float  # calibrated confidence 0..1
    title: str  # FAQ question or article title (+ section)
    text: str  # the answer / passage (plain text, no markdown headings)
    url: str | None
    author: str | None
    date: str | None  # ISO date


@dataclass(frozen=True)
class Excerpt:
    source: str  # "article:<slug>"
    slug: str
    title: str  # the article's title
    section: str | None  # the heading the passage sits under
    text: str  # the passage, trimmed at a sentence boundary
    url: str | None
    author: str | None
    date: str | None
    score: float
    trimmed: bool = False


@dataclass(frozen=True)
class ArticleDoc:
    """An article as read from a source, before it is stored."""

    slug: str
    title: str
    passages: tuple[Passage, ...]
    url: str | None = None
    guid: str | None = None
    author: str | None = None
    date: str | None = None
    tags: tuple[str, ...] = ()
    origin: str = ""

    def digest(self) -> str:
        payload = json.dumps(
            [
                ANALYZER_VERSION,
                self.slug,
                self.title,
                self.url,
                self.guid,
                self.author,
                self.date,
                list(self.tags),
                [[p.heading, p.text] for p in self.passages],
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FaqDoc:
    """A FAQ entry as read from a file or typed by a moderator."""

    key: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    origin: str = ""

    @property
    def source(self) -> str:
        return faq_source(self.key)

    def digest(self) -> str:
        payload = json.dumps(
            [ANALYZER_VERSION, self.question, list(self.variants), self.answer, list(self.links)],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Batch:
    """Everything one import read, validated, ready to be written (KnowledgeStore.write_batch)."""

    articles: tuple[ArticleDoc, ...] = ()
    faqs: tuple[FaqDoc, ...] = ()
    origins: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # "origin: why", for entries that carry nothing to index

    def __add__(self, other: Batch) -> Batch:
        return Batch(
            self.articles + other.articles,
            self.faqs + other.faqs,
            self.origins + other.origins,
            self.skipped + other.skipped,
        )


@dataclass(frozen=True)
class FaqEntry:
    guild_id: int
    key: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    origin: str = ""

    @property
    def source(self) -> str:
        return faq_source(self.key)

    def as_doc(self) -> FaqDoc:
        return FaqDoc(self.key, self.question, self.answer, self.variants, self.links, self.origin)


@dataclass(frozen=True)
class FaqVersion:
    """An earlier version of a server's FAQ entry (migration 0009): what it said before an edit,
    an import or a removal replaced it, who had written it and who replaced it."""

    version_id: int
    entry: FaqEntry
    change: str  # "edited" or "removed"
    changed_by: str | None  # an origin: "discord:<user id>", a file…; None when unknown
    at: float

    @property
    def changed_by_id(self) -> int | None:
        return origin_user(self.changed_by)


def origin_user(origin: str | None) -> int | None:
    """The Discord user of an origin written as "discord:<user id>", else None."""
    if origin and origin.startswith("discord:") and origin[8:].isdigit():
        return int(origin[8:])
    return None


@dataclass(frozen=True)
class ArticleInfo:
    guild_id: int
    slug: str
    title: str
    url: str | None = None
    author: str | None = None
    date: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return article_source(self.slug)


@dataclass(frozen=True)
class ImportReport:
    guild_id: int
    origins: tuple[str, ...] = ()
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    faqs_added: int = 0
    faqs_updated: int = 0
    faqs_unchanged: int = 0
    skipped: tuple[str, ...] = ()
    new_articles: tuple[ArticleInfo, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(
            self.articles_added + self.articles_updated + self.faqs_added + self.faqs_updated
        )


@dataclass(frozen=True)
class Unit:
    """A searchable unit as the ranker sees it: one FAQ entry or one article passage."""

    unit_id: int
    guild_id: int
    source: str
    kind: str  # "faq" or "passage"
    bm25: float  # FTS5 bm25 (lower is better)


@dataclass(frozen=True)
class UnitStems:
    """A unit's indexed (stemmed) text, which the ranker prepares once and keeps."""

    unit_id: int
    labels: tuple[str, ...]  # label lines: FAQ question and variants; title, tags, heading
    body: str  # FAQ answer, passage text


@dataclass(frozen=True)
class UnitText:
    """What is shown for a unit: its original text and its document's metadata."""

    unit_id: int
    source: str
    kind: str
    title: str
    heading: str | None
    text: str
    url: str | None
    author: str | None
    date: str | None
    slug: str | None
    position: int
