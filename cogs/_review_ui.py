"""The review post and its persistent buttons, the nudge's appeal button and modal.

Every component is a `DynamicItem` whose custom_id carries the case number, registered once
with `bot.add_dynamic_items`, so a post made before a restart keeps working. The clicker's
permission is read from the interaction at click time; decisions go through the core, whose
conditional UPDATE lets exactly one of two simultaneous clicks win.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import weakref
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot import i18n, limits, texts
from bot.review import CLAIMED, Case, Decision, ReviewAction
from bot.review.models import OPEN_STATUSES, TIMEOUT_CHOICES_S
from bot.review.render import duration, status_line
from bot.review.service import APPEAL_NOTE_MAX
from cogs._checks import moderator_check
from cogs._replies import answer_error, guarded, reply
from cogs._review_actions import carry_out
from cogs._review_embeds import CASES_PER_POST, post_embeds

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)


class PostButton(StrEnum):
    """The buttons of a case on its review post, as their custom_id names them."""

    CLAIM = ReviewAction.CLAIM.value
    CONFIRM = ReviewAction.CONFIRM.value
    ACT = "act"  # confirm, asking first what else to do (delete, time out): decides nothing yet
    DISMISS = ReviewAction.DISMISS.value


REVIEW_TEMPLATE = (
    rf"rete:review:(?P<action>{'|'.join(PostButton)}):(?P<case>[0-9]+)"  # claim|confirm|act|dismiss
)
CONFIRM_WITH_TEMPLATE = r"rete:review:choose:(?P<case>[0-9]+)"
APPEAL_TEMPLATE = r"rete:appeal:(?P<case>[0-9]+)"
APPEAL_NOTE_TEMPLATE = r"rete:appeal-note:(?P<case>[0-9]+):(?P<boot>[0-9a-f]+)"
# Tells a running bot's appeal modals from those opened before its restart: one token per
# client object (one per process in production; tests restart the bot in one process).
_BOOTS: weakref.WeakKeyDictionary[discord.Client, str] = weakref.WeakKeyDictionary()


def boot_token(client: discord.Client) -> str:
    token = _BOOTS.get(client)
    if token is None:
        token = _BOOTS[client] = secrets.token_hex(4)
    return token


def post_view(cases: Sequence[Case]) -> discord.ui.View | None:
    """A row of buttons per open case; none once all are decided (the post shows outcomes)."""
    view = discord.ui.View(timeout=None)
    for row, case in enumerate(cases[:CASES_PER_POST]):
        if case.status not in OPEN_STATUSES:
            continue
        claimed = case.status == CLAIMED
        for button in PostButton:
            disabled = button is PostButton.CLAIM and claimed
            view.add_item(ReviewButton(button, case.case_id, disabled=disabled, row=row))
    return view if view.children else None


def review_view(case: Case) -> discord.ui.View | None:
    """The buttons of one case while it is open."""
    return post_view([case])


def choose_view(case_id: int) -> discord.ui.View:
    """The follow-up choice of "Conferma e…": delete the message, with or without a timeout."""
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmWithSelect(case_id))
    return view


def appeal_view(case_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AppealButton(case_id))
    return view


def _core(interaction: discord.Interaction[Any]) -> Any:
    bot: ReteBot = interaction.client
    return bot.core


async def refresh_post(bot: ReteBot, case: Case) -> None:
    """Edit the case's review post (with the other cases it shows) to its current state."""
    if case.review_channel_id is None or case.review_message_id is None:
        return
    cases = await bot.core.review.cases_on_post(case.review_message_id) or [case]
    channel = bot.get_partial_messageable(case.review_channel_id, guild_id=case.guild_id)
    with i18n.using(bot.guild_language(case.guild_id)):  # the moderators', not the clicker's
        embeds, view = post_embeds(cases), post_view(cases)
    try:
        await channel.get_partial_message(case.review_message_id).edit(embeds=embeds, view=view)
    except discord.HTTPException as exc:
        log.warning("could not edit the review post of case %s: %s", case.case_id, exc.status)


async def decide(
    interaction: discord.Interaction[ReteBot],
    action: ReviewAction,
    case_id: int,
    decision: Decision | None = None,
) -> None:
    """Claim, confirm or dismiss from a button; the post shows who decided."""
    core = _core(interaction)
    guild_id = interaction.guild_id
    assert guild_id is not None
    case = await core.review.get(guild_id, case_id)
    if case is None:
        await reply(interaction, texts.CASE_NOT_FOUND.format(case_id=case_id))
        return
    result = await core.review.decide(
        guild_id, case_id, action, interaction.user.id, time.time(), decision
    )
    case = result.case
    if not result.applied:
        status = texts.STATUS_SHORT.get(case.status, case.status)
        await reply(interaction, texts.DECISION_TOO_LATE.format(case_id=case_id, status=status))
        return
    on_post = interaction.message is not None and interaction.message.id == case.review_message_id
    if on_post:
        cases = await core.review.cases_on_post(case.review_message_id) or [case]
        with i18n.using(interaction.client.guild_language(case.guild_id)):  # the moderators'
            embeds, view = post_embeds(cases), post_view(cases)
        await interaction.response.edit_message(embeds=embeds, view=view)
    else:
        status = status_line(case)
        await reply(interaction, texts.DECISION_DONE.format(case_id=case_id, status=status))
        await refresh_post(interaction.client, case)
    if action is ReviewAction.CONFIRM and decision is not None:
        await carry_out(interaction, case, decision)


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=REVIEW_TEMPLATE
):
    """Claim / Confirm / Dismiss on a review post; re-checks the clicker's permission."""

    STYLES: ClassVar[dict[PostButton, tuple[str, discord.ButtonStyle]]] = {
        PostButton.CLAIM: (texts.BUTTON_CLAIM, discord.ButtonStyle.secondary),
        PostButton.CONFIRM: (texts.BUTTON_CONFIRM, discord.ButtonStyle.danger),
        PostButton.ACT: (texts.BUTTON_CONFIRM_WITH, discord.ButtonStyle.danger),
        PostButton.DISMISS: (texts.BUTTON_DISMISS, discord.ButtonStyle.success),
    }

    def __init__(
        self, action: PostButton, case_id: int, *, disabled: bool = False, row: int | None = None
    ) -> None:
        label, style = self.STYLES[action]
        super().__init__(
            discord.ui.Button(
                label=limits.button_label(f"#{case_id} {label}"),
                style=style,
                disabled=disabled,
                custom_id=limits.custom_id(f"rete:review:{action}:{case_id}"),
            ),
            row=row,
        )
        self.action = action
        self.case_id = case_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ReviewButton:
        return cls(PostButton(match["action"]), int(match["case"]))

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await moderator_check(interaction, f"review {self.action} #{self.case_id}")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if self.action is PostButton.ACT:
            await guarded(interaction, self._choose(interaction))
            return
        action = ReviewAction(self.action.value)
        decision = Decision() if action is ReviewAction.CONFIRM else None
        await guarded(interaction, decide(interaction, action, self.case_id, decision))

    async def _choose(self, interaction: discord.Interaction[Any]) -> None:
        """Ask (ephemerally) what to do besides confirming: delete, delete and time out."""
        assert interaction.guild_id is not None
        case = await _core(interaction).review.get(interaction.guild_id, self.case_id)
        if case is None:
            await reply(interaction, texts.CASE_NOT_FOUND.format(case_id=self.case_id))
            return
        if not case.is_open:
            status = texts.STATUS_SHORT.get(case.status, case.status)
            await reply(
                interaction, texts.DECISION_TOO_LATE.format(case_id=case.case_id, status=status)
            )
            return
        view = choose_view(case.case_id)
        await reply(interaction, texts.CHOOSE_ACTION.format(case_id=case.case_id), view=view)
        view.stop()  # dispatched by custom_id (DynamicItem): no 15-minute ephemeral timer


def _confirm_options() -> list[discord.SelectOption]:
    """Delete the message; delete it and time the author out; or only time them out (the
    message stays, e.g. when the thread around it still makes sense)."""
    options = [discord.SelectOption(label=str(texts.SELECT_DELETE), value="remove:0")]
    timeouts = [seconds for seconds in TIMEOUT_CHOICES_S if seconds]
    for seconds in timeouts:
        label = texts.SELECT_DELETE_TIMEOUT.format(duration=duration(seconds))
        options.append(discord.SelectOption(label=label, value=f"remove:{seconds}"))
    for seconds in timeouts:
        label = texts.SELECT_TIMEOUT_ONLY.format(duration=duration(seconds))
        options.append(discord.SelectOption(label=label, value=f"keep:{seconds}"))
    return options


class ConfirmWithSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=CONFIRM_WITH_TEMPLATE
):
    """Confirm and act in one choice: delete the message, time the author out, or both."""

    def __init__(self, case_id: int) -> None:
        super().__init__(
            discord.ui.Select(
                placeholder=str(texts.SELECT_CONFIRM_PLACEHOLDER),
                options=_confirm_options(),
                custom_id=limits.custom_id(f"rete:review:choose:{case_id}"),
            )
        )
        self.case_id = case_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> ConfirmWithSelect:
        return cls(int(match["case"]))

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await moderator_check(interaction, f"review confirm-with #{self.case_id}")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        choice = self.item.values[0] if self.item.values else "remove:0"
        what, _, seconds = choice.partition(":")
        try:
            if what not in ("remove", "keep"):
                raise ValueError(what)
            decision = Decision(delete_message=what == "remove", timeout_s=int(seconds or 0))
        except ValueError:
            # An option this version does not know (a post from an older one): say so, or
            # Discord shows "This interaction failed".
            log.warning("case %s: unreadable confirm choice", self.case_id)
            await reply(interaction, texts.UNREADABLE_CHOICE.format(case_id=self.case_id))
            return
        await guarded(
            interaction, decide(interaction, ReviewAction.CONFIRM, self.case_id, decision)
        )


class AppealButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=APPEAL_TEMPLATE
):
    """On the nudge: the author says it was not a free-work request, in a short note."""

    def __init__(self, case_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(texts.BUTTON_APPEAL),
                style=discord.ButtonStyle.secondary,
                custom_id=limits.custom_id(f"rete:appeal:{case_id}"),
            )
        )
        self.case_id = case_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> AppealButton:
        return cls(int(match["case"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._open_modal(interaction))

    async def _open_modal(self, interaction: discord.Interaction[Any]) -> None:
        case = await _core(interaction).review.find(self.case_id)
        if case is None:
            await reply(interaction, str(texts.APPEAL_NOT_FOUND))
        elif case.author_id != interaction.user.id:
            log.info("refused appeal of case %s to user %s", self.case_id, interaction.user.id)
            await reply(interaction, str(texts.APPEAL_NOT_AUTHOR))
        elif case.appeal_note:
            await reply(interaction, str(texts.APPEAL_ALREADY))
        else:
            boot = boot_token(interaction.client)
            await interaction.response.send_modal(AppealModal(self.case_id, boot))


def _appeal_note_id(case_id: int, boot: str) -> str:
    return limits.custom_id(f"rete:appeal-note:{case_id}:{boot}")


async def submit_appeal(interaction: discord.Interaction[Any], case_id: int, note: str) -> None:
    """The author's note reopens (or joins) the case; the review post shows it."""
    result = await _core(interaction).review.appeal(case_id, interaction.user.id, note, time.time())
    await reply(interaction, str(texts.APPEAL_REPLIES[result.outcome]))
    if result.applied and result.case is not None:
        await refresh_post(interaction.client, result.case)


def _text_values(components: Any) -> dict[str, str]:
    """custom_id → value of the text inputs in a modal submission (rows or labels)."""
    found: dict[str, str] = {}
    for component in components or ():
        if not isinstance(component, dict):
            continue
        if "value" in component and "custom_id" in component:
            found[str(component["custom_id"])] = str(component["value"])
        found.update(_text_values(component.get("components")))
        if isinstance(component.get("component"), dict):
            found.update(_text_values([component["component"]]))
    return found


def stale_appeal(interaction: discord.Interaction[Any]) -> tuple[int, str] | None:
    """(case, note) of an appeal modal opened before a restart, which discord.py's modal store
    no longer knows (it would drop the submission); None for anything else."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: Any = interaction.data or {}
    match = re.fullmatch(APPEAL_NOTE_TEMPLATE, str(data.get("custom_id", "")))
    if match is None or match["boot"] == boot_token(interaction.client):
        return None
    return int(match["case"]), _text_values(data.get("components")).get("note", "")


class AppealModal(discord.ui.Modal):
    def __init__(self, case_id: int, boot: str) -> None:
        super().__init__(
            title=limits.modal_title(str(texts.APPEAL_MODAL_TITLE)),
            custom_id=_appeal_note_id(case_id, boot),
            # No timer: a stale modal is answered by `stale_appeal` after a restart, and one
            # left open is replaced when its author opens it again (same custom_id).
            timeout=None,
        )
        self.case_id = case_id
        self.note: discord.ui.TextInput[AppealModal] = discord.ui.TextInput(
            custom_id="note",
            label=limits.text_input_label(str(texts.APPEAL_LABEL)),
            placeholder=limits.text_input_placeholder(str(texts.APPEAL_PLACEHOLDER)),
            style=discord.TextStyle.paragraph,
            max_length=APPEAL_NOTE_MAX,
            min_length=3,
        )
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await submit_appeal(interaction, self.case_id, self.note.value)

    async def on_error(  # type: ignore[override]  # Modal's own signature, narrower than View's
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await answer_error(interaction, error)  # logs it with the interaction's id


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ReviewButton,
    ConfirmWithSelect,
    AppealButton,
)
