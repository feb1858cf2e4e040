"""`/faq export` in every front-end: the YAML, and what it holds (own entries, shared ones)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.knowledge.service import KnowledgeService


@dataclass(frozen=True)
class FaqExport:
    text: str  # YAML, in the format /faq import and `rete knowledge import` read
    own: int  # the server's own entries
    shared: int  # the academy's shared entries the server also sees
    include_shared: bool

    @property
    def count(self) -> int:
        return self.own + (self.shared if self.include_shared else 0)

    def summary(self) -> str:
        """What the file holds, and how to get the other part."""
        if self.include_shared:
            return texts.KB_FAQ_EXPORTED_ALL.format(
                count=self.count, own=self.own, shared=self.shared
            )
        hint = texts.KB_FAQ_EXPORT_SHARED_HINT.format(shared=self.shared) if self.shared else ""
        return texts.KB_FAQ_EXPORTED_OWN.format(own=self.own) + hint


async def export_faqs(
    knowledge: KnowledgeService, guild_id: int, *, include_shared: bool = False
) -> FaqExport:
    own = len(await knowledge.faq_entries(guild_id, include_shared=False))
    seen = len(await knowledge.faq_entries(guild_id, include_shared=True))
    text = await knowledge.export_faq(guild_id, include_shared=include_shared)
    return FaqExport(text, own, seen - own, include_shared)
