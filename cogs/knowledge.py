"""/ask, /excerpt for everyone; /faq, /articles, /answers for moderators; the feed poll."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import limits, texts
from bot.knowledge import ImportReport, KnowledgeError
from bot.knowledge.console import render_report
from cogs._checks import is_moderator, moderator_only
from cogs._knowledge_ui import (
    DYNAMIC_ITEMS,
    FaqModal,
    answer_embed,
    answer_view,
    excerpt_embed,
    unsure_text,
    why_text,
)
from cogs._replies import reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)
T = TypeVar("T")

# Defer when the answer is not ready in this many seconds (Discord allows 3 for the first reply).
DEFER_AFTER_S = limits.INTERACTION_FIRST_RESPONSE_S / 2
FEED_POLL_MINUTES = 30.0
FAQ_FILE_MAX_BYTES = 1_000_000
FAQ_SUFFIXES = (".yaml", ".yml")


def moderators_only() -> Callable[[T], T]:
    """`cogs._checks.moderator_only()` with a type mypy --strict accepts as a decorator."""
    check: Callable[[T], T] = moderator_only()
    return check


async def soon(
    interaction: discord.Interaction[ReteBot], work: Awaitable[T], *, ephemeral: bool
) -> T:
    """Await `work`; if it is not done before the interaction's deadline nears, defer first."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return await task


def _report_text(reports: list[ImportReport]) -> str:
    return "\n".join(line for report in reports for line in render_report(report))


class Knowledge(commands.Cog):
    faq = app_commands.Group(
        name="faq",
        description="Gestisci le FAQ del server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    articles = app_commands.Group(
        name="articles",
        description="Articoli del blog e feed",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    answers = app_commands.Group(
        name="answers",
        description="Risposte automatiche alle domande",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.feed_poll.start()

    async def cog_unload(self) -> None:
        self.feed_poll.cancel()

    # --- everyone ---------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Chiedi alle FAQ e agli articoli del blog")
    @app_commands.describe(
        question="La tua domanda",
        explain="Per i moderatori: perché Rete sceglie questa fonte (visibile solo a te)",
    )
    async def ask(
        self,
        interaction: discord.Interaction[ReteBot],
        question: app_commands.Range[str, 3, 300],
        explain: bool = False,
    ) -> None:
        """Chiedi alle FAQ e agli articoli del blog."""
        knowledge = self.bot.core.knowledge
        guild_id = interaction.guild_id or 0
        found = await soon(interaction, knowledge.reply(question, guild_id), ephemeral=False)
        if found.answer is None:
            await reply(interaction, unsure_text(found), ephemeral=True)
        else:
            await reply(
                interaction,
                embed=answer_embed(found.answer),
                view=answer_view(found.answer),
                ephemeral=False,
            )
        if explain and found.why is not None and is_moderator(interaction):
            await reply(interaction, why_text(found.why), ephemeral=True)

    @app_commands.command(name="excerpt", description="Un estratto da un articolo del blog")
    @app_commands.describe(
        query="Di cosa deve parlare il passaggio", article="L'articolo (facoltativo)"
    )
    async def excerpt(
        self,
        interaction: discord.Interaction[ReteBot],
        query: app_commands.Range[str, 1, 200],
        article: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Un estratto da un articolo del blog."""
        knowledge = self.bot.core.knowledge
        guild_id = interaction.guild_id or 0
        try:
            found = await soon(
                interaction, knowledge.excerpt(query, article, guild_id), ephemeral=False
            )
        except KnowledgeError as exc:
            await reply(interaction, str(exc), ephemeral=True)
            return
        if found is None:
            await reply(interaction, texts.KB_EXCERPT_NONE.format(query=limits.clip(query, 80)))
            return
        await reply(interaction, embed=excerpt_embed(found), ephemeral=False)

    @excerpt.autocomplete("article")
    async def _article_choices(
        self, interaction: discord.Interaction[ReteBot], current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.bot.core.knowledge.title_choices(current, interaction.guild_id or 0)
        return [
            app_commands.Choice(
                name=limits.choice_name(title), value=slug[: limits.CHOICE_NAME_MAX]
            )
            for slug, title in limits.autocomplete_choices(found)
        ]

    # --- moderators: FAQ --------------------------------------------------------------------

    @faq.command(name="add", description="Aggiungi una FAQ (si apre un modulo)")
    @moderators_only()
    async def faq_add(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Aggiungi una FAQ (si apre un modulo)."""
        assert interaction.guild_id is not None
        await interaction.response.send_modal(FaqModal(interaction.guild_id))

    @faq.command(name="edit", description="Modifica una FAQ di questo server")
    @app_commands.describe(key="L'id della FAQ")
    @moderators_only()
    async def faq_edit(self, interaction: discord.Interaction[ReteBot], key: str) -> None:
        """Modifica una FAQ di questo server."""
        assert interaction.guild_id is not None
        entry = await self.bot.core.knowledge.store.faq(interaction.guild_id, key)
        if entry is None:
            try:
                await self.bot.core.knowledge.edit_faq(interaction.guild_id, key)
            except KnowledgeError as exc:  # says why: unknown, or a shared entry
                await reply(interaction, str(exc))
            return
        await interaction.response.send_modal(FaqModal(interaction.guild_id, entry))

    @faq.command(name="remove", description="Togli una FAQ di questo server")
    @app_commands.describe(key="L'id della FAQ")
    @moderators_only()
    async def faq_remove(self, interaction: discord.Interaction[ReteBot], key: str) -> None:
        """Togli una FAQ di questo server."""
        assert interaction.guild_id is not None
        entry = await self.bot.core.knowledge.remove_faq(interaction.guild_id, key)
        log.info("FAQ %s removed in guild %s by %s", key, interaction.guild_id, interaction.user.id)
        await reply(
            interaction, texts.KB_FAQ_REMOVED.format(key=entry.key, question=entry.question)
        )

    @faq_edit.autocomplete("key")
    @faq_remove.autocomplete("key")
    async def _faq_keys(
        self, interaction: discord.Interaction[ReteBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        entries = await self.bot.core.knowledge.faq_entries(
            interaction.guild_id, include_shared=False
        )
        typed = current.casefold()
        matching = [
            e for e in entries if typed in e.key.casefold() or typed in e.question.casefold()
        ]
        return [
            app_commands.Choice(name=limits.choice_name(f"{e.key} — {e.question}"), value=e.key)
            for e in limits.autocomplete_choices(matching)
        ]

    @faq.command(name="list", description="Le FAQ visibili in questo server")
    @moderators_only()
    async def faq_list(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Le FAQ visibili in questo server."""
        assert interaction.guild_id is not None
        entries = await self.bot.core.knowledge.faq_entries(interaction.guild_id)
        if not entries:
            await reply(interaction, texts.KB_FAQ_LIST_EMPTY)
            return
        lines = [
            texts.KB_FAQ_LIST_LINE.format(
                key=e.key,
                question=limits.clip(e.question, 90),
                shared=texts.KB_FAQ_SHARED_MARK if e.guild_id != interaction.guild_id else "",
            )
            for e in entries
        ]
        embed = discord.Embed(
            title=limits.embed_title(texts.KB_FAQ_LIST_HEADER.format(count=len(entries))),
            description=limits.embed_description("\n".join(lines)),
            colour=discord.Colour.teal(),
        )
        await reply(interaction, embed=embed)

    @faq.command(name="export", description="Scarica le FAQ di questo server in YAML")
    @app_commands.describe(shared="Includi anche le FAQ condivise dell'Accademia")
    @moderators_only()
    async def faq_export(
        self, interaction: discord.Interaction[ReteBot], shared: bool = False
    ) -> None:
        """Scarica le FAQ di questo server in YAML."""
        assert interaction.guild_id is not None
        knowledge = self.bot.core.knowledge
        data = await knowledge.export_faq(interaction.guild_id, include_shared=shared)
        count = len(await knowledge.faq_entries(interaction.guild_id, include_shared=shared))
        file = discord.File(io.BytesIO(data.encode("utf-8")), filename="faq.yaml")
        await reply(interaction, texts.KB_FAQ_EXPORTED.format(count=count), file=file)

    @faq.command(name="import", description="Importa un file YAML di FAQ in questo server")
    @app_commands.describe(file="Il file .yaml, nel formato di /faq export")
    @moderators_only()
    async def faq_import(
        self, interaction: discord.Interaction[ReteBot], file: discord.Attachment
    ) -> None:
        """Importa un file YAML di FAQ in questo server."""
        assert interaction.guild_id is not None
        name = Path(file.filename).name
        if not name.lower().endswith(FAQ_SUFFIXES) or file.size > FAQ_FILE_MAX_BYTES:
            await reply(interaction, texts.KB_FAQ_IMPORT_BAD_FILE)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        report = await self.bot.core.knowledge.import_file(name, data, interaction.guild_id)
        log.info("FAQ file imported in guild %s by %s", interaction.guild_id, interaction.user.id)
        await reply(interaction, _report_text([report]))

    # --- moderators: articles, feeds, answer channels ---------------------------------------

    @articles.command(name="sync", description="Ricarica le fonti configurate e i feed seguiti")
    @moderators_only()
    async def articles_sync(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Ricarica le fonti configurate e i feed seguiti."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        reports = await self.bot.core.knowledge.sync(interaction.guild_id)
        await reply(interaction, _report_text(reports) if reports else texts.KB_SYNC_NO_SOURCES)

    @articles.command(name="feed", description="Segui un feed RSS/Atom e annuncia i nuovi articoli")
    @app_commands.describe(url="L'indirizzo del feed", channel="Dove annunciare i nuovi articoli")
    @moderators_only()
    async def articles_feed(
        self,
        interaction: discord.Interaction[ReteBot],
        url: app_commands.Range[str, 8, 500],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Segui un feed RSS/Atom e annuncia i nuovi articoli."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel_id = channel.id if channel else None
        report = await self.bot.core.knowledge.follow_feed(interaction.guild_id, url, channel_id)
        if channel is not None:
            done = texts.KB_FEED_FOLLOWED.format(url=url, channel=channel.mention)
        else:
            done = texts.KB_FEED_FOLLOWED_QUIET.format(url=url)
        await reply(interaction, done + "\n" + _report_text([report]))

    @articles.command(name="unfeed", description="Smetti di seguire un feed")
    @app_commands.describe(url="L'indirizzo del feed")
    @moderators_only()
    async def articles_unfeed(self, interaction: discord.Interaction[ReteBot], url: str) -> None:
        """Smetti di seguire un feed."""
        assert interaction.guild_id is not None
        removed = await self.bot.core.knowledge.unfollow_feed(interaction.guild_id, url)
        template = texts.KB_FEED_UNFOLLOWED if removed else texts.KB_FEED_NOT_FOUND
        await reply(interaction, template.format(url=url))

    @answers.command(name="channel", description="Rispondi da sola alle domande in un canale")
    @app_commands.describe(channel="Il canale", state="on: rispondi; off: non rispondere")
    @moderators_only()
    async def answers_channel(
        self,
        interaction: discord.Interaction[ReteBot],
        channel: discord.TextChannel,
        state: Literal["on", "off"],
    ) -> None:
        """Rispondi da sola alle domande in un canale."""
        assert interaction.guild_id is not None
        enabled = state == "on"
        await self.bot.core.knowledge.set_answer_channel(
            interaction.guild_id, channel.id, enabled=enabled
        )
        log.info(
            "answer channel %s %s in guild %s by %s",
            channel.id,
            state,
            interaction.guild_id,
            interaction.user.id,
        )
        template = texts.KB_ANSWER_CHANNEL_ON if enabled else texts.KB_ANSWER_CHANNEL_OFF
        await reply(interaction, template.format(channel=channel.mention))

    # --- background: the feed poll ----------------------------------------------------------

    @tasks.loop(minutes=FEED_POLL_MINUTES)
    async def feed_poll(self) -> None:
        try:
            found = await self.bot.core.knowledge.poll_feeds()
        except Exception:  # one bad poll must not end the loop
            log.exception("feed poll failed")
            return
        for news in found:
            channel = self.bot.get_channel(news.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                log.warning("feed channel %s of guild %s is gone", news.channel_id, news.guild_id)
                continue
            for article in news.articles:
                link = f"\n{article.url}" if article.url else ""
                text = texts.KB_FEED_ANNOUNCE.format(title=article.title, link=link)
                try:
                    await channel.send(limits.message_content(text))
                except discord.HTTPException:
                    log.warning("could not announce an article in channel %s", news.channel_id)

    @feed_poll.before_loop
    async def _before_feed_poll(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: ReteBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Knowledge(bot))


async def teardown(bot: ReteBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
