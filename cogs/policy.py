"""/policy: moderators test, read and change the keyword policy, import/export it, backtest it."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import i18n, limits, texts
from bot.errors import UserFacingError
from bot.policy import Rule, flows
from bot.policy.explain import explain
from bot.policy.files import check_policy_size, decode_policy
from bot.policy.history import describe_change
from bot.policy.pages import allow_page
from bot.review import BacktestReport
from bot.review.render import highlight, neutralise
from cogs._checks import moderators_only
from cogs._replies import mention, reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

BACKTEST_LINES = 15
HISTORY_SHOWN = 15


async def _read_policy_file(attachment: discord.Attachment) -> str:
    check_policy_size(attachment.size)
    return decode_policy(await attachment.read())


def _rule_words(rule: Rule) -> str:
    return " + ".join(", ".join(group) for group in rule.groups)


def backtest_embed(report: BacktestReport, source: str) -> discord.Embed:
    body = flows.backtest_body(report, BACKTEST_LINES, neutralise)
    return discord.Embed(
        title=limits.embed_title(texts.POLCMD_BACKTEST_TITLE.format(source=source)),
        description=limits.embed_description(body),
        colour=discord.Colour.blurple(),
    )


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Policy(
    commands.GroupCog, group_name="policy", group_description="La policy sul lavoro gratis"
):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        super().__init__()

    async def rule_names(
        self, interaction: discord.Interaction[ReteBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        needle = current.lower()
        names = [r.name for r in self.bot.core.policy.rules(interaction.guild_id)]
        return [
            app_commands.Choice(name=limits.choice_name(n), value=n)
            for n in limits.autocomplete_choices([n for n in names if needle in n.lower()])
        ]

    @app_commands.command(name="test", description="Come Rete giudica un testo, regola per regola")
    @app_commands.describe(text="Il messaggio da provare")
    @moderators_only()
    async def test(self, interaction: discord.Interaction[ReteBot], text: str) -> None:
        """Come Rete giudica un testo, regola per regola."""
        assert interaction.guild_id is not None
        verdict = await self.bot.core.policy.evaluate(interaction.guild_id, text)
        spans = [span for hit in verdict.hits for span in hit.spans]
        body = (
            highlight(text, spans, 1500)
            + "\n\n"
            + "\n".join(neutralise(line) for line in explain(verdict, text))
        )
        embed = discord.Embed(
            title=texts.POLCMD_TEST_TITLE,
            description=limits.embed_description(body),
            colour=discord.Colour.red() if verdict.alert else discord.Colour.green(),
        )
        await reply(interaction, embed=embed)

    @app_commands.command(name="rules", description="Le regole della policy, con pesi e parole")
    @moderators_only()
    async def rules(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Le regole della policy, con pesi e parole."""
        assert interaction.guild_id is not None
        policy = self.bot.core.policy
        spec = policy.spec(interaction.guild_id)
        threshold = spec.threshold if spec else 1.0
        lines = [
            texts.POLICY_RULES_HEADER.format(
                threshold=threshold, version=policy.version(interaction.guild_id)
            )
        ]
        for rule in policy.rules(interaction.guild_id):
            lines.append(
                texts.POLICY_RULE_LINE.format(
                    weight=rule.weight,
                    name=neutralise(rule.name),
                    shadow=texts.POLICY_SHADOW_MARK if rule.shadow else "",
                    description=neutralise(
                        i18n.rule_description(rule.description)
                        if rule.description
                        else limits.clip(_rule_words(rule), 90)
                    ),
                )
            )
        if spec is not None and spec.allow:
            allow = neutralise(", ".join(spec.allow))
            lines.append(texts.POLICY_ALLOW_HEADER.format(terms=allow))
        embed = discord.Embed(
            description=limits.embed_description("\n".join(lines)), colour=discord.Colour.blurple()
        )
        await reply(interaction, embed=embed)

    @app_commands.command(name="add", description="Aggiungi una regola")
    @app_commands.describe(
        name="Nome (minuscolo, senza spazi)",
        weight="Peso: positivo spinge verso la segnalazione, negativo la evita",
        words="Gruppi separati da +, parole da virgole: «mi fai, fammi + logo + gratis»",
        within="Le parole dei gruppi al massimo a queste parole di distanza",
        description="Perché esiste la regola",
        shadow="In prova: registra i casi senza avvisare né rispondere",
    )
    @moderators_only()
    async def add(
        self,
        interaction: discord.Interaction[ReteBot],
        name: str,
        weight: float,
        words: str,
        within: app_commands.Range[int, 1, 50] | None = None,
        description: str = "",
        shadow: bool = False,
    ) -> None:
        """Aggiungi una regola."""
        assert interaction.guild_id is not None
        spec = await flows.add_rule(
            self.bot.core,
            interaction.guild_id,
            name=name,
            weight=weight,
            words=words,
            actor_id=interaction.user.id,
            within=within,
            description=description,
            shadow=shadow,
        )
        await reply(
            interaction, texts.POLICY_RULE_ADDED.format(name=name.strip(), version=spec.version)
        )

    @app_commands.command(name="remove", description="Togli una regola")
    @app_commands.describe(name="La regola")
    @app_commands.autocomplete(name=rule_names)
    @moderators_only()
    async def remove(self, interaction: discord.Interaction[ReteBot], name: str) -> None:
        """Togli una regola."""
        assert interaction.guild_id is not None
        spec = await self.bot.core.policy.remove_rule(
            interaction.guild_id, name, interaction.user.id
        )
        await reply(interaction, texts.POLICY_RULE_REMOVED.format(name=name, version=spec.version))

    @app_commands.command(
        name="threshold", description="La soglia oltre cui un messaggio è segnalato"
    )
    @app_commands.describe(
        value="Per esempio 1.0",
        allow_no_flagging="Consenti una soglia che nessun messaggio raggiunge",
    )
    @moderators_only()
    async def threshold(
        self,
        interaction: discord.Interaction[ReteBot],
        value: app_commands.Range[float, 0.05, 100.0],
        allow_no_flagging: bool = False,
    ) -> None:
        """La soglia oltre cui un messaggio è segnalato."""
        assert interaction.guild_id is not None
        spec = await self.bot.core.policy.set_threshold(
            interaction.guild_id,
            value,
            interaction.user.id,
            allow_no_flagging=allow_no_flagging,
        )
        await reply(
            interaction,
            texts.POLICY_THRESHOLD_SET.format(threshold=spec.threshold, version=spec.version),
        )

    @app_commands.command(name="allow", description="Frasi mai segnalate (allow-list)")
    @app_commands.describe(
        phrase="La frase (senza: l'elenco, una frase per riga)",
        add="Aggiungi (sì) o togli (no)",
        page="La pagina dell'elenco",
    )
    @moderators_only()
    async def allow(
        self,
        interaction: discord.Interaction[ReteBot],
        phrase: str | None = None,
        add: bool = True,
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        """Frasi mai segnalate (allow-list)."""
        assert interaction.guild_id is not None
        policy = self.bot.core.policy
        actor = interaction.user.id
        if phrase is None:
            spec = policy.spec(interaction.guild_id)
            lines = allow_page(spec.allow if spec else (), page, str(texts.POLCMD_ALLOW_NEXT))
            body = "\n".join(neutralise(line) for line in lines)
            await reply(
                interaction, embed=discord.Embed(description=limits.embed_description(body))
            )
            return
        if add:
            spec = await policy.allow_add(interaction.guild_id, phrase, actor)
            message = texts.POLICY_ALLOW_ADDED
        else:
            spec = await policy.allow_remove(interaction.guild_id, phrase, actor)
            message = texts.POLICY_ALLOW_REMOVED
        await reply(interaction, message.format(term=neutralise(phrase), version=spec.version))

    @app_commands.command(name="exempt", description="Ruoli o canali che Rete non controlla")
    @app_commands.describe(role="Un ruolo", channel="Un canale", exempt="Esente (sì) o no")
    @moderators_only()
    async def exempt(
        self,
        interaction: discord.Interaction[ReteBot],
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
        exempt: bool = True,
    ) -> None:
        """Ruoli o canali che Rete non controlla."""
        assert interaction.guild_id is not None
        if role is None and channel is None:
            raise UserFacingError(texts.POLCMD_EXEMPT_TARGET)
        state = texts.POLCMD_EXEMPT_ON if exempt else texts.POLCMD_EXEMPT_OFF
        lines = []
        for kind, target in (("role", role), ("channel", channel)):
            if target is None:
                continue
            spec = await self.bot.core.policy.set_exempt(
                interaction.guild_id, kind, target.id, exempt, actor_id=interaction.user.id
            )
            lines.append(
                texts.POLICY_EXEMPT_SET.format(
                    kind=kind, target=target.mention, state=state, version=spec.version
                )
            )
        await reply(interaction, "\n".join(lines))

    @app_commands.command(name="shadow", description="Una regola in prova: registra senza avvisare")
    @app_commands.describe(name="La regola", on="In prova (sì) o attiva (no)")
    @app_commands.autocomplete(name=rule_names)
    @moderators_only()
    async def shadow(
        self, interaction: discord.Interaction[ReteBot], name: str, on: bool = True
    ) -> None:
        """Una regola in prova: registra senza avvisare."""
        assert interaction.guild_id is not None
        spec = await self.bot.core.policy.set_shadow(
            interaction.guild_id, name, on, interaction.user.id
        )
        state = texts.POLCMD_SHADOW_ON if on else texts.POLCMD_SHADOW_OFF
        await reply(
            interaction,
            texts.POLICY_SHADOW_SET.format(name=name, state=state, version=spec.version),
        )

    @app_commands.command(name="import", description="Sostituisci la policy con un file YAML")
    @app_commands.describe(
        file="Il file esportato con /policy export, modificato",
        allow_no_flagging="Consenti una policy che non segnala nulla (segnalazioni spente)",
    )
    @moderators_only()
    async def import_(
        self,
        interaction: discord.Interaction[ReteBot],
        file: discord.Attachment,
        allow_no_flagging: bool = False,
    ) -> None:
        """Sostituisci la policy con un file YAML."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = await _read_policy_file(file)
        result = await self.bot.core.policy.import_policy(
            interaction.guild_id, text, interaction.user.id, allow_no_flagging=allow_no_flagging
        )
        await reply(interaction, "\n".join(neutralise(line) for line in result.lines()))

    @app_commands.command(name="export", description="La policy come file YAML")
    @moderators_only()
    async def export(self, interaction: discord.Interaction[ReteBot]) -> None:
        """La policy come file YAML."""
        assert interaction.guild_id is not None
        policy = self.bot.core.policy
        version = policy.version(interaction.guild_id)
        data = policy.export_yaml(interaction.guild_id).encode("utf-8")
        file = discord.File(io.BytesIO(data), filename=f"rete-policy-v{version}.yaml")
        await reply(interaction, texts.POLCMD_EXPORTED.format(version=version), file=file)

    @app_commands.command(name="backtest", description="Cosa cambierebbe sui casi registrati")
    @app_commands.describe(file="Una policy YAML da provare (senza: quella attuale)")
    @moderators_only()
    async def backtest(
        self, interaction: discord.Interaction[ReteBot], file: discord.Attachment | None = None
    ) -> None:
        """Cosa cambierebbe sui casi registrati."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        policy_yaml = await _read_policy_file(file) if file is not None else None
        report = await flows.backtest(self.bot.core, interaction.guild_id, policy_yaml)
        if policy_yaml is None:
            version = self.bot.core.policy.version(interaction.guild_id)
            source = texts.POLCMD_BACKTEST_CURRENT.format(version=version)
        else:
            source = str(texts.POLCMD_BACKTEST_UPLOADED)
        await reply(interaction, embed=backtest_embed(report, source))

    @app_commands.command(name="learn", description="Impara pesi e soglia dalle decisioni sui casi")
    @app_commands.describe(accept="Applica i pesi imparati come nuova versione (sì)")
    @moderators_only()
    async def learn(self, interaction: discord.Interaction[ReteBot], accept: bool = False) -> None:
        """Impara pesi e soglia dalle decisioni sui casi."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        proposal = await flows.learn_from_decisions(self.bot.core, interaction.guild_id)
        lines = await flows.learn_and_maybe_accept(
            self.bot.core,
            interaction.guild_id,
            proposal,
            accept=accept,
            actor_id=interaction.user.id,
            how_to_accept=str(texts.POLICY_LEARN_ACCEPT_DISCORD),
        )
        embed = discord.Embed(
            title=texts.POLICY_LEARN_TITLE,
            description=limits.embed_description("\n".join(neutralise(line) for line in lines)),
            colour=discord.Colour.blurple(),
        )
        await reply(interaction, embed=embed)

    @app_commands.command(name="history", description="Le ultime modifiche alla policy")
    @moderators_only()
    async def history(self, interaction: discord.Interaction[ReteBot]) -> None:
        """Le ultime modifiche alla policy."""
        assert interaction.guild_id is not None
        changes = await self.bot.core.policy.history(interaction.guild_id, HISTORY_SHOWN)
        if not changes:
            await reply(interaction, str(texts.POLICY_HISTORY_EMPTY))
            return
        lines = [str(texts.POLICY_HISTORY_HEADER)]
        for change in changes:
            lines.append(
                texts.POLICY_HISTORY_LINE.format(
                    version=change.version,
                    at=f"<t:{int(change.timestamp)}:f>",  # each reader's own local time
                    actor=mention(change.actor_id, nobody="Rete"),
                    change=neutralise(
                        describe_change(change.action, limits.clip(change.detail, 120))
                    ),
                )
            )
        await reply(
            interaction, embed=discord.Embed(description=limits.embed_description("\n".join(lines)))
        )


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Policy(bot))
