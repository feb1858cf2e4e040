"""Slash commands in Italian and English: discord.py's Translator over Rete's catalogs.

Command, group and option names stay as written (short, lowercase, the same for everyone);
descriptions and fixed choices are Italian in the code (the default) and English from the
catalog for Discord's English locales.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot import i18n

# Where a name lives: names are not translated (one spelling for everyone, in logs and help).
_NAMES = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


def locale_lang(locale: discord.Locale) -> i18n.Lang | None:
    """Discord's locale as one of Rete's languages (None for any other)."""
    return i18n.parse_lang(locale.value)


class ReteTranslator(app_commands.Translator):
    """Descriptions and choices from the catalogs; Italian is the text in the code."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location in _NAMES:
            return None
        lang = locale_lang(locale)
        if lang is None or lang == i18n.DEFAULT_LANG:
            return None  # Discord shows the default (the Italian in the code)
        translated = i18n.gettext(string.message, i18n.SLASH_CONTEXT, lang)
        return translated if translated != string.message else None


class RecordingTranslator(app_commands.Translator):
    """Collects every string a command tree would have translated (scripts/i18n.py extract)."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: dict[str, str] = {}  # message -> where (for the translators' comments)

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location not in _NAMES and string.message:
            self.strings.setdefault(string.message, context.location.name)
        return None


async def tree_strings(tree: app_commands.CommandTree[discord.Client]) -> dict[str, str]:
    """The descriptions and choices of every command in `tree`, as the catalog needs them."""
    recorder = RecordingTranslator()
    for command in tree.get_commands():
        await command.get_translated_payload(tree, recorder)
    return recorder.strings
