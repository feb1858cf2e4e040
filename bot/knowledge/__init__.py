"""The knowledge base: ingest the blog and FAQ, answer questions, share excerpts (no Discord)."""

from bot.knowledge.models import (
    SHARED_GUILD,
    Answer,
    ArticleInfo,
    Excerpt,
    FaqEntry,
    ImportReport,
    KnowledgeError,
    KnowledgeImportError,
)
from bot.knowledge.service import FeedNews, KnowledgeService, Lookup

__all__ = [
    "SHARED_GUILD",
    "Answer",
    "ArticleInfo",
    "Excerpt",
    "FaqEntry",
    "FeedNews",
    "ImportReport",
    "KnowledgeError",
    "KnowledgeImportError",
    "KnowledgeService",
    "Lookup",
]
