"""What a review post looks like: one embed per case, shortened together to fit a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import discord

from bot import limits, texts
from bot.review import Case
from bot.review.render import case_body, neutralise, rules_line, status_line

# One row of buttons per case, and a message has at most 5 rows: a burst of cases is posted
# up to 5 per message (Discord also limits a channel to about 5 messages per 5 seconds).
CASES_PER_POST = 5


EMBEDS_TEXT_MAX = limits.EMBED_TOTAL_MAX - 100  # margin for what discord.py adds (timestamps…)


BODY_STEPS = (3000, 1500, 900, 600, 400, 250)


# The embed body leaves room for the fields: all text of one embed must fit in 6,000 characters.
BODY_MAX = 3000


COLOURS = {
    "pending": discord.Colour.orange(),
    "claimed": discord.Colour.gold(),
    "reopened": discord.Colour.purple(),
    "confirmed": discord.Colour.red(),
    "dismissed": discord.Colour.green(),
}


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def review_embed(
    case: Case, *, body_max: int = BODY_MAX, field_max: int = limits.EMBED_FIELD_VALUE_MAX
) -> discord.Embed:
    """The moderators' view of a case: the message with its flagged words, score, rules, status."""
    title = texts.REVIEW_TITLE if case.alerted else texts.REVIEW_TITLE_SHADOW
    embed = discord.Embed(
        title=limits.embed_title(title.format(case_id=case.case_id)),
        description=limits.embed_description(case_body(case, body_max)),
        colour=COLOURS.get(case.status, discord.Colour.greyple()),
        timestamp=dt.datetime.fromtimestamp(case.created_at, tz=dt.UTC),
    )
    # Mentions in an embed never ping; the message is sent with AllowedMentions.none() anyway.
    embed.add_field(name=texts.REVIEW_FIELD_AUTHOR, value=f"<@{case.author_id}>", inline=True)
    embed.add_field(name=texts.REVIEW_FIELD_CHANNEL, value=f"<#{case.channel_id}>", inline=True)
    url = jump_url(case.guild_id, case.channel_id, case.message_id)
    embed.add_field(name=texts.REVIEW_FIELD_LINK, value=texts.REVIEW_JUMP.format(url=url))
    score = texts.REVIEW_SCORE.format(score=case.score, threshold=case.threshold)
    embed.add_field(name=texts.REVIEW_FIELD_SCORE, value=score, inline=True)
    embed.add_field(
        name=texts.REVIEW_FIELD_RULES, value=rules_line(case.hits, field_max), inline=False
    )
    embed.add_field(
        name=texts.REVIEW_FIELD_STATUS, value=limits.embed_field_value(status_line(case))
    )
    if case.appeal_note:
        embed.add_field(
            name=texts.REVIEW_FIELD_APPEAL,
            value=limits.clip(neutralise(case.appeal_note), field_max) or "—",
            inline=False,
        )
    embed.set_footer(
        text=texts.REVIEW_FOOTER.format(version=case.policy_version, case_id=case.case_id)
    )
    return embed


def post_embeds(cases: Sequence[Case]) -> list[discord.Embed]:
    """One embed per case, shortened together until all fit in one message's 6,000 characters."""
    embeds: list[discord.Embed] = []
    for body_max in BODY_STEPS:
        field_max = min(limits.EMBED_FIELD_VALUE_MAX, body_max // 2)
        embeds = [review_embed(c, body_max=body_max, field_max=field_max) for c in cases]
        if sum(len(e) for e in embeds) <= EMBEDS_TEXT_MAX:
            break
    return embeds
