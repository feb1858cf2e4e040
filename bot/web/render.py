"""What the dashboard's templates show, made safe: highlighted message parts, SVG charts, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.review.render import merge_spans

# Characters that reorder or hide text (RTL overrides, isolates, marks): shown as their code,
# so a member cannot make "gratis" read as something else or hide a part of the message.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def segments(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The message cut at the matched spans: (part, matched) pairs, for <mark> in templates.

    The parts are plain text: the template escapes them (autoescape), so markup a member wrote
    shows as the characters they typed.
    """
    merged = merge_spans(spans, len(text))
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged:
        if start > at:
            parts.append((visible(text[at:start]), False))
        parts.append((visible(text[start:end]), True))
        at = end
    if at < len(text):
        parts.append((visible(text[at:]), False))
    return parts


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str  # the value as shown
    short: str  # the label cut to fit under its bar (the full one is in <title> and the table)


@dataclass(frozen=True)
class BarChart:
    """A bar chart as numbers for an <svg> template: no script, no style attribute needed."""

    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    top: float

    @property
    def empty(self) -> bool:
        return not self.bars


CHART_WIDTH = 640
CHART_HEIGHT = 220
_PAD_BOTTOM = 40
_PAD_TOP = 16


def bar_chart(
    title: str, points: Sequence[tuple[str, float]], *, fmt: str = "{:g}", top: float | None = None
) -> BarChart:
    height = CHART_HEIGHT - _PAD_BOTTOM - _PAD_TOP
    peak = top if top is not None else max((v for _, v in points), default=0.0)
    peak = peak or 1.0
    slot = CHART_WIDTH / max(len(points), 1)
    width = max(slot * 0.7, 1.0)
    fits = max(3, int(slot / 6.5))  # characters of 11px text under one bar
    bars = []
    for i, (label, value) in enumerate(points):
        h = height * (value / peak)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(i * slot + (slot - width) / 2, 1),
                y=round(_PAD_TOP + height - h, 1),
                width=round(width, 1),
                height=round(h, 1),
                text=fmt.format(value),
                short=label if len(label) <= fits else label[: fits - 1] + "…",
            )
        )
    return BarChart(title, tuple(bars), CHART_WIDTH, CHART_HEIGHT, peak)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@\t\r" else c for c in row])
    return out.getvalue()
