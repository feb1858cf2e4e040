"""How answers and excerpts look in Discord, the persistent 👍/👎 feedback buttons, the FAQ modal.

The feedback buttons are `DynamicItem`s whose custom_id carries the vote and the answer's
source, registered once with `bot.add_dynamic_items` (cogs/knowledge.py's setup): a button
under an answer posted before a restart still records its vote.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import limits, texts
from bot.knowledge import Answer, Excerpt, FaqEntry, KnowledgeError
from bot.knowledge.models import (
    FAQ_ANSWER_MAX,
    FAQ_LINKS_MAX,
    FAQ_PREFIX,
    FAQ_QUESTION_MAX,
    FAQ_VARIANTS_MAX,
)
from bot.knowledge.reply import Reply, Why, explain_lines, suggestion_lines
from cogs._replies import answer_error, reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

FEEDBACK_PREFIX = "rete:fb:"
# "dn", not "down": with an 80-character slug the custom_id stays within Discord's 100.
FEEDBACK_TEMPLATE = r"rete:fb:(?P<vote>up|dn):(?P<source>(?:faq-|article:)[A-Za-z0-9._-]{1,84})"
ANSWER_TEXT_MAX = 1800  # an answer embed stays readable; the link leads to the rest
ANSWER_COLOUR = discord.Colour.teal()
EXCERPT_COLOUR = discord.Colour.blurple()


def _percent(score: float) -> int:
    return round(max(0.0, min(1.0, score)) * 100)


def answer_embed(answer: Answer) -> discord.Embed:
    """An answer: the FAQ question or article title, the text, its source, author, date, link."""
    is_faq = answer.source.startswith(FAQ_PREFIX)
    url = limits.embed_url(answer.url)
    embed = discord.Embed(
        title=limits.embed_title(answer.title),
        description=limits.embed_description(limits.clip_at_sentence(answer.text, ANSWER_TEXT_MAX)),
        url=url,
        colour=ANSWER_COLOUR,
    )
    if answer.author:
        embed.set_author(name=limits.embed_author_name(texts.KB_BY.format(author=answer.author)))
    details = [texts.KB_CONFIDENCE.format(percent=_percent(answer.score))]
    if answer.date:
        details.insert(0, answer.date)
    source = texts.KB_SOURCE_FAQ if is_faq else texts.KB_SOURCE_ARTICLE
    embed.set_footer(
        text=limits.clip(
            texts.KB_FOOTER.format(source=source, details=" · ".join(details)),
            limits.EMBED_FOOTER_MAX,
        )
    )
    if url:
        embed.add_field(
            name=texts.KB_READ_MORE if not is_faq else "Link",
            value=limits.embed_field_value(url),
            inline=False,
        )
    return embed


def excerpt_embed(excerpt: Excerpt) -> discord.Embed:
    """An excerpt: the passage (already trimmed at a sentence), title, section, author, date."""
    url = limits.embed_url(excerpt.url)
    embed = discord.Embed(
        title=limits.embed_title(excerpt.title),
        description=limits.embed_description(excerpt.text),
        url=url,
        colour=EXCERPT_COLOUR,
    )
    if excerpt.author:
        embed.set_author(name=limits.embed_author_name(texts.KB_BY.format(author=excerpt.author)))
    if excerpt.section:
        embed.add_field(
            name="Sezione", value=limits.embed_field_value(excerpt.section), inline=True
        )
    if excerpt.date:
        embed.add_field(name="Data", value=limits.embed_field_value(excerpt.date), inline=True)
    if url:
        embed.add_field(name=texts.KB_READ_MORE, value=limits.embed_field_value(url), inline=False)
    return embed


def unsure_text(found: Reply) -> str:
    """ "Non ne sono sicura" with the likely sources, linked (or "non lo so" without any)."""
    return limits.message_content("\n".join(suggestion_lines(found, markdown=True)))


def why_text(why: Why) -> str:
    """Why an answer was chosen, for the moderator who asked."""
    return limits.message_content("\n".join(explain_lines(why)))


def feedback_custom_id(vote: str, source: str) -> str | None:
    """The button's custom_id, or None when the source is too long to fit in one."""
    value = f"{FEEDBACK_PREFIX}{vote}:{source}"
    if len(value) > limits.CUSTOM_ID_MAX or not re.fullmatch(FEEDBACK_TEMPLATE, value):
        return None
    return limits.custom_id(value)


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=FEEDBACK_TEMPLATE
):
    """👍/👎 under an answer: records whether it helped (one vote per member, the last wins).

    `vote` is "up" or "dn"."""

    def __init__(self, vote: str, source: str) -> None:
        custom_id = feedback_custom_id(vote, source)
        if custom_id is None:
            raise ValueError(f"source too long for a feedback button: {source[:40]}")
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                label=str(
                    texts.KB_FEEDBACK_UP_LABEL if vote == "up" else texts.KB_FEEDBACK_DOWN_LABEL
                ),
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.vote = vote
        self.source = source

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FeedbackButton:
        return cls(match["vote"], match["source"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: ReteBot = interaction.client
        try:
            await bot.core.knowledge.record_feedback(
                interaction.guild_id or 0, self.source, interaction.user.id, self.vote == "up"
            )
        except Exception:  # a button's exception would be swallowed by discord.py: say it
            log.exception("feedback on %s by user %s failed", self.source, interaction.user.id)
            await reply(interaction, str(texts.GENERIC_ERROR))
            return
        log.info("feedback %s on %s in guild %s", self.vote, self.source, interaction.guild_id)
        thanks = texts.KB_FEEDBACK_THANKS_UP if self.vote == "up" else texts.KB_FEEDBACK_THANKS_DOWN
        await reply(interaction, str(thanks))


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class FaqModal(discord.ui.Modal):
    """`/faq add` and `/faq edit`: question, variants, answer, links."""

    def __init__(self, guild_id: int, entry: FaqEntry | None = None) -> None:
        title = texts.KB_FAQ_EDIT_MODAL_TITLE if entry else texts.KB_FAQ_MODAL_TITLE
        super().__init__(title=limits.modal_title(str(title)), timeout=900)
        self.guild_id = guild_id
        self.entry = entry
        self.question: discord.ui.TextInput[FaqModal] = discord.ui.TextInput(
            custom_id="question",
            label=limits.text_input_label(str(texts.KB_FAQ_FIELD_QUESTION)),
            default=entry.question if entry else None,
            max_length=FAQ_QUESTION_MAX,
            min_length=5,
        )
        self.variants: discord.ui.TextInput[FaqModal] = discord.ui.TextInput(
            custom_id="variants",
            label=limits.text_input_label(str(texts.KB_FAQ_FIELD_VARIANTS)),
            style=discord.TextStyle.paragraph,
            default="\n".join(entry.variants) if entry else None,
            required=False,
            max_length=FAQ_VARIANTS_MAX,
        )
        self.answer: discord.ui.TextInput[FaqModal] = discord.ui.TextInput(
            custom_id="answer",
            label=limits.text_input_label(str(texts.KB_FAQ_FIELD_ANSWER)),
            style=discord.TextStyle.paragraph,
            default=entry.answer if entry else None,
            max_length=FAQ_ANSWER_MAX,
            min_length=5,
        )
        self.links: discord.ui.TextInput[FaqModal] = discord.ui.TextInput(
            custom_id="links",
            label=limits.text_input_label(str(texts.KB_FAQ_FIELD_LINKS)),
            style=discord.TextStyle.paragraph,
            default="\n".join(entry.links) if entry else None,
            required=False,
            max_length=FAQ_LINKS_MAX,
        )
        for item in (self.question, self.variants, self.answer, self.links):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        bot: ReteBot = interaction.client
        knowledge = bot.core.knowledge
        try:
            if self.entry is None:
                entry = await knowledge.add_faq(
                    self.guild_id,
                    self.question.value,
                    self.answer.value,
                    variants=_lines(self.variants.value),
                    links=_lines(self.links.value),
                    author_id=interaction.user.id,
                )
                message = texts.KB_FAQ_ADDED
            else:
                entry = await knowledge.edit_faq(
                    self.guild_id,
                    self.entry.key,
                    question=self.question.value,
                    answer=self.answer.value,
                    variants=_lines(self.variants.value),
                    links=_lines(self.links.value),
                    author_id=interaction.user.id,
                )
                message = texts.KB_FAQ_EDITED
        except KnowledgeError as exc:
            await reply(interaction, str(exc))
            return
        log.info(
            "FAQ %s saved in guild %s by user %s", entry.key, self.guild_id, interaction.user.id
        )
        await reply(interaction, message.format(key=entry.key, question=entry.question))

    async def on_error(  # type: ignore[override]  # Modal's own signature, narrower than View's
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await answer_error(interaction, error)  # logs it with the interaction's id


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (FeedbackButton,)
