"""The glue from /policy and /setup to the policy service."""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.errors import UserFacingError
from bot.policy.flows import backtest, parse_groups
from tests.review.helpers import GUILD, MODERATOR, message


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("gratis", (("gratis",),)),
        (
            "mi fai, fammi + logo, @consegne + gratis",
            (("mi fai", "fammi"), ("logo", "@consegne"), ("gratis",)),
        ),
        (" a ,, b +c ", (("a", "b"), ("c",))),
    ],
)
def test_parse_groups(raw: str, groups: tuple[tuple[str, ...], ...]) -> None:
    assert parse_groups(raw, "help") == groups


@pytest.mark.parametrize("raw", ["", "a + ", "+ b", " , "])
def test_parse_groups_refuses_empty_groups(raw: str) -> None:
    with pytest.raises(UserFacingError, match="help"):
        parse_groups(raw, "help")


async def test_exemptions_go_through_the_policy(core: Core) -> None:
    before = core.policy.version(GUILD)
    spec = await core.policy.set_exempt(GUILD, "role", 77, True, actor_id=MODERATOR)
    await core.policy.set_exempt(GUILD, "channel", 88, True, actor_id=MODERATOR)
    assert spec.version > before
    assert core.policy.exemptions(GUILD) == (frozenset({77}), frozenset({88}))
    assert core.policy.is_exempt(GUILD, 1, [77])
    await core.policy.set_exempt(GUILD, "role", 77, False, actor_id=MODERATOR)
    assert core.policy.exemptions(GUILD) == (frozenset(), frozenset({88}))


async def test_backtest_with_the_current_and_an_uploaded_policy(core: Core) -> None:
    outcome = await core.pipeline.process(message("mi fai il logo gratis?"))
    assert outcome.case is not None
    current = await backtest(core, GUILD, None)
    assert [r.case_id for r in current.rows] == [outcome.case.case_id]
    assert current.changed == ()
    stricter = core.policy.export_yaml(GUILD).replace("threshold: 1.0", "threshold: 50.0", 1)
    assert stricter != core.policy.export_yaml(GUILD)
    report = await backtest(core, GUILD, stricter)
    assert [r.case_id for r in report.would_stop_alerting] == [outcome.case.case_id]
    with pytest.raises(UserFacingError):
        await backtest(core, GUILD, "rules: [ {name: X} ]")
