"""/ask, /excerpt for everyone; /faq, /articles, /answers for moderators; the feed poll."""

from __future__ import annotations

import asyncio
import io
import logging
import weakref
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import i18n, limits, texts
from bot.knowledge import ImportReport, KnowledgeError
from bot.knowledge.faq_export import export_faqs
from bot.knowledge.learning import Decided
from bot.knowledge.models import UPLOAD_MAX_BYTES, faq_too_long
from bot.knowledge.render import faq_history_lines, no_excerpt_line, render_report
from bot.review.render import neutralise
from cogs._checks import is_moderator, moderators_only
from cogs._knowledge_ui import (
    DYNAMIC_ITEMS,
    FaqModal,
    answer_embed,
    excerpt_embed,
    unsure_text,
    why_text,
)
from cogs._learning_ui import DYNAMIC_ITEMS as LEARNING_ITEMS
from cogs._learning_ui import (
    WriteFaqModal,
    decided_text,
    item_choice_name,
    pages_view,
    unanswered_embed,
    vote_view,
)
from cogs._replies import mention, reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)
T = TypeVar("T")

# Defer when the answer is not ready in this many seconds (Discord allows 3 for the first reply).
DEFER_AFTER_S = limits.INTERACTION_FIRST_RESPONSE_S / 2
FEED_POLL_MINUTES = 30.0
FEED_ANNOUNCE_MAX = 5  # announcements per feed per poll; the rest in one summary line
FAQ_FILE_MAX_BYTES = UPLOAD_MAX_BYTES
FAQ_SUFFIXES = (".yaml", ".yml")


# Where Discord offers the moderators' groups: servers only (`contexts`, which replaces the
# deprecated `dm_permission`; guild_only=True keeps discord.py's own check in step).
GUILD_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


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
        allowed_contexts=GUILD_ONLY,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    articles = app_commands.Group(
        name="articles",
        description="Articoli del blog e feed",
        guild_only=True,
        allowed_contexts=GUILD_ONLY,
        default_permissions=discord.Permissions(manage_messages=True),
    )
    answers = app_commands.Group(
        name="answers",
        description="Risposte automatiche alle domande",
        guild_only=True,
        allowed_contexts=GUILD_ONLY,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        # FAQ forms a moderator opened and may never submit: each has a 15-minute timer that
        # must not outlive the cog (a clean shutdown leaves no task behind).
        self._open_forms: weakref.WeakSet[FaqModal] = weakref.WeakSet()

    async def cog_load(self) -> None:
        self.feed_poll.start()

    async def cog_unload(self) -> None:
        self.feed_poll.cancel()
        for form in list(self._open_forms):
            form.stop()

    async def _open_form(self, interaction: discord.Interaction[ReteBot], form: FaqModal) -> None:
        await interaction.response.send_modal(form)
        self._open_forms.add(form)

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
        learning = self.bot.core.knowledge.learning
        asked = await soon(
            interaction,
            learning.ask(
                question,
                interaction.guild_id or 0,
                channel_id=interaction.channel_id,
                author_id=interaction.user.id,
            ),
            ephemeral=False,
        )
        if asked.answer is None:  # kept for the moderators' /faq unanswered
            await reply(interaction, unsure_text(asked.reply), ephemeral=True)
        else:
            await reply(
                interaction,
                embed=answer_embed(asked.answer),
                view=vote_view(asked.answer_id),
                ephemeral=False,
            )
        if explain and asked.reply.why is not None and is_moderator(interaction):
            await reply(interaction, why_text(asked.reply.why), ephemeral=True)

    @app_commands.command(name="excerpt", description="Un estratto da un articolo del blog")
    @app_commands.describe(
        query="Di cosa deve parlare il passaggio", article="L'articolo (facoltativo)"
    )
    async def excerpt(
        self,
        interaction: discord.Interaction[ReteBot],
        query: app_commands.Range[str, 1, 200],
        article: app_commands.Range[str, 1, limits.CHOICE_NAME_MAX] | None = None,  # a choice
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
            await reply(interaction, no_excerpt_line(query))
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
        await self._open_form(interaction, FaqModal(interaction.guild_id))

    @faq.command(name="edit", description="Modifica una FAQ di questo server")
    @app_commands.describe(key="L'id della FAQ")
    @moderators_only()
    async def faq_edit(self, interaction: discord.Interaction[ReteBot], key: str) -> None:
        """Modifica una FAQ di questo server."""
        assert interaction.guild_id is not None
        entry = await self.bot.core.knowledge.own_faq_entry(interaction.guild_id, key)
        if entry is None:
            try:
                await self.bot.core.knowledge.edit_faq(interaction.guild_id, key)
            except KnowledgeError as exc:  # says why: unknown, or a shared entry
                await reply(interaction, str(exc))
            return
        too_long = faq_too_long(entry.question, entry.answer, entry.variants, entry.links)
        if too_long is not None:  # stored before imports checked lengths: the form cannot hold it
            field, length, most = too_long
            await reply(
                interaction,
                texts.KB_FAQ_TOO_LONG_TO_EDIT.format(
                    key=entry.key, field=field, length=length, most=most
                ),
            )
            return
        await self._open_form(interaction, FaqModal(interaction.guild_id, entry))

    @faq.command(name="remove", description="Togli una FAQ di questo server")
    @app_commands.describe(key="L'id della FAQ")
    @moderators_only()
    async def faq_remove(self, interaction: discord.Interaction[ReteBot], key: str) -> None:
        """Togli una FAQ di questo server."""
        assert interaction.guild_id is not None
        entry = await self.bot.core.knowledge.remove_faq(
            interaction.guild_id, key, author_id=interaction.user.id
        )
        log.info("FAQ %s removed in guild %s by %s", key, interaction.guild_id, interaction.user.id)
        await reply(
            interaction, texts.KB_FAQ_REMOVED.format(key=entry.key, question=entry.question)
        )

    @faq.command(name="history", description="Le versioni precedenti delle FAQ di questo server")
    @app_commands.describe(key="L'id di una FAQ (vuoto: tutte)")
    @moderators_only()
    async def faq_history(
        self, interaction: discord.Interaction[ReteBot], key: str | None = None
    ) -> None:
        """Le versioni precedenti delle FAQ di questo server."""
        assert interaction.guild_id is not None
        versions = await self.bot.core.knowledge.faq_history(interaction.guild_id, key)
        lines = faq_history_lines(
            versions,
            when=lambda at: f"<t:{int(at)}:f>",  # each reader's own local time
            who=lambda user_id: mention(user_id, nobody="Rete"),
            key=key,
            quote=neutralise,
        )
        await reply(
            interaction, embed=discord.Embed(description=limits.embed_description("\n".join(lines)))
        )

    @faq.command(name="restore", description="Rimetti una FAQ com'era in una versione precedente")
    @app_commands.describe(version="Il numero della versione, da /faq history")
    @moderators_only()
    async def faq_restore(
        self, interaction: discord.Interaction[ReteBot], version: app_commands.Range[int, 1]
    ) -> None:
        """Rimetti una FAQ com'era in una versione precedente."""
        assert interaction.guild_id is not None
        entry = await self.bot.core.knowledge.restore_faq(
            interaction.guild_id, version, author_id=interaction.user.id
        )
        log.info(
            "FAQ version %s restored in guild %s by %s",
            version,
            interaction.guild_id,
            interaction.user.id,
        )
        await reply(
            interaction,
            texts.KB_FAQ_RESTORED.format(
                key=neutralise(entry.key), version=version, question=neutralise(entry.question)
            ),
        )

    @faq_edit.autocomplete("key")
    @faq_remove.autocomplete("key")
    @faq_history.autocomplete("key")
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
            await reply(interaction, str(texts.KB_FAQ_LIST_EMPTY))
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
        exported = await export_faqs(
            self.bot.core.knowledge, interaction.guild_id, include_shared=shared
        )
        file = discord.File(io.BytesIO(exported.text.encode("utf-8")), filename="faq.yaml")
        await reply(interaction, exported.summary(), file=file)

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
            await reply(interaction, str(texts.KB_FAQ_IMPORT_BAD_FILE))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        report = await self.bot.core.knowledge.import_file(name, data, interaction.guild_id)
        log.info("FAQ file imported in guild %s by %s", interaction.guild_id, interaction.user.id)
        await reply(interaction, _report_text([report]))

    # --- moderators: questions Rete could not answer well ----------------------------------

    @faq.command(name="unanswered", description="Le domande a cui Rete non ha saputo rispondere")
    @app_commands.describe(page="La pagina dell'elenco (dalla 1)")
    @moderators_only()
    async def faq_unanswered(
        self, interaction: discord.Interaction[ReteBot], page: app_commands.Range[int, 1] = 1
    ) -> None:
        """Le domande a cui Rete non ha saputo rispondere."""
        assert interaction.guild_id is not None
        listing = await self.bot.core.knowledge.learning.unanswered(interaction.guild_id, page=page)
        await reply(interaction, embed=unanswered_embed(listing), view=pages_view(listing))

    @faq.command(name="attach", description="Aggiungi una domanda senza risposta a una FAQ")
    @app_commands.describe(item="Il numero della domanda (#N)", key="L'id della FAQ")
    @moderators_only()
    async def faq_attach(
        self, interaction: discord.Interaction[ReteBot], item: app_commands.Range[int, 1], key: str
    ) -> None:
        """Aggiungi una domanda senza risposta a una FAQ."""
        assert interaction.guild_id is not None
        learning = self.bot.core.knowledge.learning
        decided = await learning.attach(interaction.guild_id, item, key, interaction.user.id)
        await reply(interaction, decided_text(decided))

    @faq.command(name="write", description="Scrivi una nuova FAQ da una domanda senza risposta")
    @app_commands.describe(item="Il numero della domanda (#N)")
    @moderators_only()
    async def faq_write(
        self, interaction: discord.Interaction[ReteBot], item: app_commands.Range[int, 1]
    ) -> None:
        """Scrivi una nuova FAQ da una domanda senza risposta."""
        assert interaction.guild_id is not None
        found = await self.bot.core.knowledge.learning.item(interaction.guild_id, item)
        if not found.is_open:
            await reply(interaction, decided_text(Decided(False, found)))
            return
        await interaction.response.send_modal(WriteFaqModal(interaction.guild_id, found))

    @faq.command(name="dismiss", description="Scarta una domanda senza risposta")
    @app_commands.describe(item="Il numero della domanda (#N)")
    @moderators_only()
    async def faq_dismiss(
        self, interaction: discord.Interaction[ReteBot], item: app_commands.Range[int, 1]
    ) -> None:
        """Scarta una domanda senza risposta."""
        assert interaction.guild_id is not None
        learning = self.bot.core.knowledge.learning
        decided = await learning.dismiss(interaction.guild_id, item, interaction.user.id)
        await reply(interaction, decided_text(decided))

    @faq_attach.autocomplete("item")
    @faq_write.autocomplete("item")
    @faq_dismiss.autocomplete("item")
    async def _unanswered_items(
        self, interaction: discord.Interaction[ReteBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        items = await self.bot.core.knowledge.learning.choices(interaction.guild_id, current)
        return [
            app_commands.Choice(name=item_choice_name(i), value=i.item_id)
            for i in limits.autocomplete_choices(items)
        ]

    @faq_attach.autocomplete("key")
    async def _visible_faq_keys(
        self, interaction: discord.Interaction[ReteBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        entries = await self.bot.core.knowledge.faq_entries(interaction.guild_id)
        typed = current.casefold()
        matching = list(
            {
                e.key: e
                for e in entries
                if typed in e.key.casefold() or typed in e.question.casefold()
            }.values()
        )
        return [
            app_commands.Choice(name=limits.choice_name(f"{e.key} — {e.question}"), value=e.key)
            for e in limits.autocomplete_choices(matching)
        ]

    # --- moderators: articles, feeds, answer channels ---------------------------------------

    @articles.command(name="sync", description="Ricarica le fonti configurate e i feed seguiti")
    @moderators_only()
    async def articles_sync(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Ricarica le fonti configurate e i feed seguiti."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        reports = await self.bot.core.knowledge.sync(interaction.guild_id)
        await reply(
            interaction, str(_report_text(reports) if reports else texts.KB_SYNC_NO_SOURCES)
        )

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
            shown = news.articles[:FEED_ANNOUNCE_MAX]
            lines = []
            with i18n.using(self.bot.guild_language(news.guild_id)):  # read by everyone there
                for article in shown:
                    url = limits.embed_url(article.url)
                    link = f"\n{url}" if url else ""
                    lines.append(texts.KB_FEED_ANNOUNCE.format(title=article.title, link=link))
                if len(news.articles) > len(shown):  # a feed that came back with a backlog
                    more = len(news.articles) - len(shown)
                    lines.append(texts.KB_FEED_ANNOUNCE_MORE.format(count=more, url=news.url))
            for text in lines:
                try:
                    await channel.send(
                        limits.message_content(text),
                        allowed_mentions=discord.AllowedMentions.none(),
                    )
                except discord.HTTPException:
                    log.warning("could not announce an article in channel %s", news.channel_id)

    @feed_poll.before_loop
    async def _before_feed_poll(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: ReteBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS, *LEARNING_ITEMS)
    await bot.add_cog(Knowledge(bot))


async def teardown(bot: ReteBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS, *LEARNING_ITEMS)
