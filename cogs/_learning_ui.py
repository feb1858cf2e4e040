"""Learning from use in Discord: 👍/👎 under answers, the unanswered list, the new-FAQ form.

The vote buttons are `DynamicItem`s whose custom_id carries the vote and the answer's record
(`rete:vote:up:123`), registered once with `bot.add_dynamic_items` (cogs/knowledge.py's setup):
a button under an answer posted before a restart still records its vote. Anyone may vote;
everything is decided in bot/knowledge/learning.py.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import limits, texts
from bot.knowledge.learning import (
    Decided,
    Unanswered,
    UnansweredPage,
    decided_message,
    item_fields,
)
from bot.review.render import neutralise
from cogs._checks import moderator_check
from cogs._knowledge_ui import FaqModal, _lines
from cogs._replies import guarded, mention, reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

VOTE_TEMPLATE = r"rete:vote:(?P<vote>up|dn):(?P<answer>[0-9]{1,19})"
PAGE_TEMPLATE = r"rete:unanswered:(?P<page>[0-9]{1,6})"
# Eight questions a page (bot.knowledge.learning.PAGE_SIZE), each with up to ~230 characters
# of number, counts, time, channel and source: their quotes (escaped, so up to twice as long as
# typed) are cut here to stay within an embed description's 4,096 characters.
QUOTE_SHOWN_MAX = 270
QUESTION_FIELD_MAX = 300  # the FAQ form's question field (FaqModal): a longer default is refused


def vote_custom_id(vote: str, answer_id: int) -> str:
    return limits.custom_id(f"rete:vote:{vote}:{answer_id}")


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=VOTE_TEMPLATE
):
    """👍/👎 under an answer: one vote per member and answer, a new one replaces theirs.

    `vote` is "up" or "dn"."""

    def __init__(self, vote: str, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                label=str(
                    texts.KB_FEEDBACK_UP_LABEL if vote == "up" else texts.KB_FEEDBACK_DOWN_LABEL
                ),
                style=discord.ButtonStyle.secondary,
                custom_id=vote_custom_id(vote, answer_id),
            )
        )
        self.vote = vote
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(match["vote"], int(match["answer"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction[Any]) -> None:
        bot: ReteBot = interaction.client
        result = await bot.core.knowledge.learning.vote(
            interaction.guild_id or 0, self.answer_id, interaction.user.id, self.vote == "up"
        )
        await reply(interaction, result.message)


def vote_view(answer_id: int | None) -> discord.ui.View | None:
    """The 👍/👎 buttons of a recorded answer."""
    if answer_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton("up", answer_id))
    view.add_item(VoteButton("dn", answer_id))
    view.stop()  # dispatched by custom_id (DynamicItem): no per-message timer needed
    return view


def _when(at: float) -> str:
    return f"<t:{int(at)}:R>"  # Discord shows it in the reader's time zone, e.g. "2 ore fa"


def unanswered_embed(page: UnansweredPage) -> discord.Embed:
    """A page of the open questions (each quoted literally: no markdown, no mentions)."""
    lines: list[str] = []
    for item in page.items:
        fields = item_fields(item)
        where = texts.LEARN_LIST_WHERE.format(channel_id=item.channel_id) if item.channel_id else ""
        source = texts.LEARN_LIST_SOURCE.format(source=item.source) if item.source else ""
        lines.append(
            texts.LEARN_LIST_LINE.format(
                item_id=item.item_id,
                count=item.count,
                reasons=fields.reasons,
                when=_when(item.last_at),
                where=where,
                question=limits.clip(neutralise(fields.question), QUOTE_SHOWN_MAX),
                source=source,
            )
        )
    embed = discord.Embed(
        title=limits.embed_title(texts.LEARN_LIST_TITLE.format(total=page.total)),
        description=limits.embed_description(str("\n\n".join(lines) or texts.LEARN_LIST_EMPTY)),
        colour=discord.Colour.teal(),
    )
    if page.total:
        embed.set_footer(
            text=limits.clip(
                texts.LEARN_LIST_FOOTER.format(page=page.page, pages=page.pages),
                limits.EMBED_FOOTER_MAX,
            )
        )
    return embed


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=PAGE_TEMPLATE
):
    """◀/▶ under /faq unanswered: shows another page; re-checks the clicker is a moderator."""

    def __init__(self, page: int, *, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or str(page),
                style=discord.ButtonStyle.secondary,
                custom_id=limits.custom_id(f"rete:unanswered:{page}"),
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(int(match["page"]))

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await moderator_check(interaction, f"unanswered page {self.page}")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._show(interaction))

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        bot: ReteBot = interaction.client
        assert interaction.guild_id is not None
        listing = await bot.core.knowledge.learning.unanswered(interaction.guild_id, page=self.page)
        await interaction.response.edit_message(
            embed=unanswered_embed(listing), view=pages_view(listing)
        )


def pages_view(page: UnansweredPage) -> discord.ui.View | None:
    """◀ and ▶ to the pages around this one; none when everything fits in one."""
    view = discord.ui.View(timeout=None)
    if page.page > 1:
        view.add_item(PageButton(page.page - 1, label=f"◀ {page.page - 1}"))
    if page.page < page.pages:
        view.add_item(PageButton(page.page + 1, label=f"{page.page + 1} ▶"))
    if not view.children:
        return None
    view.stop()  # dispatched by custom_id (DynamicItem): no 15-minute ephemeral timer
    return view


def decided_text(decided: Decided) -> str:
    return decided_message(decided, lambda user_id: mention(user_id, nobody="—"))


def item_choice_name(item: Unanswered) -> str:
    fields = item_fields(item)
    return limits.choice_name(
        texts.LEARN_CHOICE.format(item_id=item.item_id, count=item.count, question=fields.question)
    )


class WriteFaqModal(FaqModal):
    """`/faq write`: the FAQ form, its question filled with what the member asked."""

    def __init__(self, guild_id: int, item: Unanswered) -> None:
        super().__init__(guild_id)
        self.title = limits.modal_title(f"{texts.KB_FAQ_MODAL_TITLE} · #{item.item_id}")
        self.item_id = item.item_id
        self.question.default = limits.clip(
            " ".join((item.question or "").split()), QUESTION_FIELD_MAX
        )

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await guarded(interaction, self._write(interaction))

    async def _write(self, interaction: discord.Interaction[Any]) -> None:
        bot: ReteBot = interaction.client
        decided = await bot.core.knowledge.learning.write_faq(
            self.guild_id,
            self.item_id,
            self.answer.value,
            interaction.user.id,
            question=self.question.value,
            variants=_lines(self.variants.value),
            links=_lines(self.links.value),
        )
        await reply(interaction, decided_text(decided))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (VoteButton, PageButton)
