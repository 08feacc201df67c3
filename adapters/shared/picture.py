"""The progress picture: a PNG card drawn from the core's ProgressReport with Pillow.

What the card says comes from `bot.present.picture_parts` (catalog lines, en and fr); this module
only lays it out: per-domain bars of right answers (with the share right that scores the pass
mark), the expected score on the 100-1000 scale against the 720 line, the daily streak, and the
last weeks' answers and share right.

Fonts: DejaVu Sans (regular and bold) where the system has it, looked for in FONT_DIRS (Debian and
Ubuntu's `fonts-dejavu-core` put it in /usr/share/fonts/truetype/dejavu/). Without it, Pillow's
bundled font (`ImageFont.load_default(size=...)`, Aileron Regular) is used: it has no accented
letters, so the card's text is then written without accents (é -> e) rather than with boxes.

Pillow is imported when the first picture is drawn, not when this module is: the terminal starts
as fast as before. `ProgressPictures` draws on a worker thread (never on the event loop) and keeps
each learner's last pictures until what they show changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import io
import itertools
import logging
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.shared.text import say
from bot import present
from bot.present import Line, PictureParts
from bot.views import ProgressReport

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

__all__ = [
    "FONT_DIRS",
    "HEIGHT",
    "THEMES",
    "WIDTH",
    "Drawing",
    "ProgressPictures",
    "TextBox",
    "draw_progress",
    "font_in_use",
]

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 980  # shown about half size in a Discord message: 26 px text reads as 13
# Where DejaVu Sans is looked for, in this order (Debian/Ubuntu, Fedora/Alpine, Arch, local).
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
MARGIN = 44
CACHED = 128  # pictures kept, the most recently used


@dataclass(frozen=True, slots=True)
class Theme:
    background: str
    panel: str
    text: str
    muted: str
    track: str
    accent: str
    good: str
    warn: str
    bad: str
    mark: str


THEMES: Mapping[str, Theme] = {
    # Discord's own greys: the card reads on a dark or a light client, as it has its own ground.
    "dark": Theme(
        background="#1e1f22",
        panel="#2b2d31",
        text="#f2f3f5",
        muted="#b5bac1",
        track="#404249",
        accent="#7984f5",
        good="#45b86a",
        warn="#f0a020",
        bad="#f76b6b",
        mark="#f2f3f5",
    ),
    "light": Theme(
        background="#ffffff",
        panel="#f2f3f5",
        text="#060607",
        muted="#4e5058",
        track="#d4d7dc",
        accent="#4752c4",
        good="#1f7a3f",
        warn="#955405",
        bad="#c8272d",
        mark="#060607",
    ),
}


@dataclass(frozen=True, slots=True)
class TextBox:
    """A text drawn on the card and the box it covers (left, top, right, bottom)."""

    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Drawing:
    png: bytes
    width: int
    height: int
    texts: tuple[TextBox, ...]
    font: str  # the font file used, or "pillow-default"


# -- fonts ------------------------------------------------------------------------------------------


@functools.cache
def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / REGULAR, folder / BOLD
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    return None


def font_in_use() -> str:
    """The regular font file the card is drawn with, or `pillow-default` (no accents)."""
    found = _font_files()
    return str(found[0]) if found else "pillow-default"


@functools.cache
def _font(size: int, bold: bool, fallback: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    found = None if fallback else _font_files()
    if found is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(found[1] if bold else found[0]), size)


_ASCII = str.maketrans(
    {
        "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "‘": "'", "«": '"', "»": '"',
        "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "·": "-", "\u202f": " ",
        "\u00a0": " ", "\u2009": " ",
    }
)  # fmt: skip


def ascii_text(text: str) -> str:
    """The text as the fallback font can draw it: accents dropped, typography made plain."""
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(c for c in plain if c.isascii())


# -- drawing ----------------------------------------------------------------------------------------


class _Card:
    """An image, its pen, and every text box drawn, fitted to the room it was given."""

    def __init__(self, theme: Theme, fallback: bool) -> None:
        from PIL import Image, ImageDraw

        self.theme = theme
        self.fallback = fallback
        self.image = Image.new("RGB", (WIDTH, HEIGHT), theme.background)
        self.pen: ImageDraw.ImageDraw = ImageDraw.Draw(self.image)
        self.texts: list[TextBox] = []

    def font(self, size: int, bold: bool = False) -> Any:
        return _font(size, bold, self.fallback)

    def fit(self, text: str, size: int, width: float, bold: bool = False) -> tuple[str, Any]:
        """The text and a font that fit `width`: smaller down to 80 %, then cut with an ellipsis."""
        text = ascii_text(text) if self.fallback else text
        smallest = max(12, int(size * 0.8))
        for s in range(size, smallest - 1, -2):
            font = self.font(s, bold)
            if font.getlength(text) <= width:
                return text, font
        font = self.font(smallest, bold)
        ellipsis = "..." if self.fallback else "…"
        while text and font.getlength(text + ellipsis) > width:
            text = text[:-1]
        return text.rstrip() + ellipsis, font

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: int,
        width: float,
        *,
        bold: bool = False,
        fill: str | None = None,
        anchor: str = "la",
    ) -> TextBox:
        """Draw one line within `width` pixels; `anchor` as Pillow's (la: left, ra: right...)."""
        shown, font = self.fit(text, size, width, bold)  # the fallback has no bold: regular
        fill = fill or self.theme.text
        self.pen.text(xy, shown, font=font, fill=fill, anchor=anchor)
        left, top, right, bottom = self.pen.textbbox(xy, shown, font=font, anchor=anchor)
        box = TextBox(shown, (int(left), int(top), int(right), int(bottom)))
        self.texts.append(box)
        return box

    def wrapped(
        self, xy: tuple[float, float], text: str, size: int, width: float, lines: int, **kw: Any
    ) -> float:
        """Draw `text` on at most `lines` lines of `width`; the y under the last line."""
        words = (ascii_text(text) if self.fallback else text).split(" ")
        font = self.font(size, kw.get("bold", False))
        x, y = xy
        rows: list[str] = []
        while words and len(rows) < lines:
            row = words.pop(0)
            while words and font.getlength(f"{row} {words[0]}") <= width:
                row = f"{row} {words.pop(0)}"
            rows.append(row)
        if words:  # what does not fit goes on the last line, cut by `text`
            rows[-1] = " ".join([rows[-1], *words])
        for row in rows:
            box = self.text((x, y), row, size, width, **kw)
            y = box.box[3] + size * 0.35
        return y

    def bar(
        self, box: tuple[float, float, float, float], fraction: float, colour: str | None
    ) -> None:
        left, top, right, bottom = box
        radius = (bottom - top) / 2
        self.pen.rounded_rectangle(box, radius=radius, fill=self.theme.track)
        if colour is not None and fraction > 0:
            end = left + max(2 * radius, (right - left) * min(1.0, fraction))
            self.pen.rounded_rectangle((left, top, end, bottom), radius=radius, fill=colour)

    def png(self) -> bytes:
        out = io.BytesIO()
        # Few colours: a palette keeps the file small; the fast quantizer keeps it cheap.
        from PIL import Image

        self.image.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, "PNG", compress_level=6)
        return out.getvalue()


def _colour(theme: Theme, fraction: float, target: float) -> str:
    if fraction >= target:
        return theme.good
    return theme.warn if fraction >= target - 0.15 else theme.bad


def draw_progress(
    report: ProgressReport, theme: str = "dark", *, fallback: bool | None = None
) -> Drawing:
    """The progress card of `report` as a PNG, with the box of every text drawn (for tests).

    `fallback`: draw with Pillow's bundled font even where DejaVu Sans is found (None: only
    where it is not).
    """
    parts = present.picture_parts(report)
    fallback = _font_files() is None if fallback is None else fallback
    card = _Card(THEMES[theme], fallback)

    def said(line: Line) -> str:
        return say(report.locale, line)

    _header(card, parts, said)
    _domains(card, parts, said)
    _score(card, parts, said)
    _activity(card, parts, said)
    used = "pillow-default" if fallback else font_in_use()
    return Drawing(card.png(), WIDTH, HEIGHT, tuple(card.texts), used)


def _header(card: _Card, parts: PictureParts, said: Any) -> None:
    t = card.theme
    streak = said(parts.streak).rstrip(".")
    pill_text, pill_font = card.fit(streak, 26, 330, bold=True)
    pill_w = pill_font.getlength(pill_text) + 44
    right = WIDTH - MARGIN
    card.pen.rounded_rectangle((right - pill_w, 40, right, 96), radius=28, fill=t.panel,
                               outline=t.track, width=2)  # fmt: skip
    card.text((right - pill_w / 2, 68), streak, 26, 330, bold=True, fill=t.warn, anchor="mm")
    room = WIDTH - 2 * MARGIN - pill_w - 30
    card.text((MARGIN, 36), said(parts.title), 44, room, bold=True)
    card.text((MARGIN, 98), said(parts.subtitle), 22, room, fill=t.muted)


def _domains(card: _Card, parts: PictureParts, said: Any) -> None:
    t = card.theme
    left, right, top = MARGIN, 700, 160
    width = right - left
    card.text((left, top), said(parts.domains_title), 23, width, fill=t.muted)
    y = top + 46
    for row in parts.domains:
        card.text((left, y), said(row.label), 25, width, bold=True)
        bar = (left, y + 36, right, y + 56)
        colour = _colour(t, row.fraction, parts.pass_fraction) if row.answered else None
        card.bar(bar, row.fraction, colour)
        mark = left + width * parts.pass_fraction
        card.pen.line((mark, y + 30, mark, y + 62), fill=t.mark, width=3)
        weight = card.text((right, y + 66), said(row.weight), 21, width * 0.4, fill=t.muted,
                           anchor="ra")  # fmt: skip
        card.text((left, y + 66), said(row.stats), 22, weight.box[0] - left - 16)
        y += 102
    card.wrapped((left, y + 2), said(parts.pass_line), 19, width, 2, fill=t.muted)


def _score(card: _Card, parts: PictureParts, said: Any) -> None:
    t = card.theme
    left, right, top = 750, WIDTH - MARGIN, 160
    width = right - left
    card.pen.rounded_rectangle((left - 20, top - 6, right + 14, 640), radius=18, fill=t.panel,
                               outline=t.track, width=2)  # fmt: skip
    card.text((left, top + 10), said(parts.score_title), 23, width, fill=t.muted)
    if parts.score is not None:
        colour = _colour(t, (parts.score - 100) / 900, (parts.pass_mark - 100) / 900)
        card.text((left, top + 50), said(parts.score_line), 60, width, bold=True, fill=colour)
    else:
        colour = t.muted
        card.wrapped((left, top + 56), said(parts.score_line), 28, width, 2, bold=True)
    # The 100-1000 scale, the pass mark's line, the estimate's fill.
    scale = (left, top + 170, right, top + 200)
    fraction = (parts.score - 100) / 900 if parts.score is not None else 0.0
    card.bar(scale, fraction, colour if parts.score is not None else None)
    mark = left + width * (parts.pass_mark - 100) / 900
    card.pen.line((mark, top + 160, mark, top + 210), fill=t.mark, width=4)
    card.text((mark, top + 154), said(parts.pass_label), 21, 2 * (right - mark), bold=True,
              anchor="md")  # fmt: skip
    card.text((left, top + 218), "100", 19, 80, fill=t.muted)
    card.text((right, top + 218), "1000", 19, 80, fill=t.muted, anchor="ra")
    y = top + 270.0
    if parts.chance is not None:
        y = card.wrapped((left, y), said(parts.chance), 24, width, 2, bold=True) + 6
    y = card.wrapped((left, y), said(parts.totals), 22, width, 2) + 6
    card.wrapped((left, y), said(parts.note), 19, width, 3, fill=t.muted)


def _activity(card: _Card, parts: PictureParts, said: Any) -> None:
    t = card.theme
    left, right, top = MARGIN, WIDTH - MARGIN, 690
    title = card.text((left, top), said(parts.activity_title), 23, 500, fill=t.muted)
    # The legend: a square for answers, a dot for the share right.
    x = right
    label = card.text((x, top + 2), said(parts.accuracy_label), 21, 300, anchor="ra")
    x = label.box[0] - 24
    card.pen.ellipse((x - 9, top + 6, x + 9, top + 24), fill=t.good)
    x -= 34
    label = card.text((x, top + 2), said(parts.answers_label), 21, 200, anchor="ra")
    x = label.box[0] - 24
    card.pen.rectangle((x - 9, top + 6, x + 9, top + 24), fill=t.accent)
    weeks = parts.weeks
    if not weeks:
        return
    # Two bands on one time axis: the share right (a line, 0-100 %) above, answers (bars) below.
    line_top, line_bottom = title.box[3] + 26, title.box[3] + 86
    bars_top, axis = line_bottom + 18, HEIGHT - 92
    step = (right - left) / len(weeks)
    guide = line_bottom - (line_bottom - line_top) * parts.pass_fraction
    card.pen.line((left, guide, right, guide), fill=t.track, width=1)
    card.pen.line((left, axis, right, axis), fill=t.track, width=2)
    if parts.quiet is not None:
        card.text(((left + right) / 2, (bars_top + axis) / 2), said(parts.quiet), 22,
                  right - left, fill=t.muted, anchor="mm")  # fmt: skip
    most = max(1, *(w.attempts for w in weeks))
    dots: list[tuple[float, float] | None] = []
    for n, week in enumerate(weeks):
        centre = left + step * (n + 0.5)
        if week.attempts:
            height = max(4.0, (axis - bars_top - 28) * week.attempts / most)
            half = min(34.0, step * 0.3)
            card.pen.rounded_rectangle(
                (centre - half, axis - height, centre + half, axis), radius=6, fill=t.accent
            )
            card.text((centre, axis - height - 5), str(week.attempts), 20, step - 8,
                      fill=t.muted, anchor="md")  # fmt: skip
        card.text((centre, axis + 10), week.label, 20, step - 8, anchor="ma")
        colour = (
            t.muted if week.accuracy is None else _colour(t, week.accuracy, parts.pass_fraction)
        )
        card.text((centre, axis + 42), week.accuracy_label, 20, step - 8, bold=True,
                  fill=colour, anchor="ma")  # fmt: skip
        dots.append(
            None
            if week.accuracy is None
            else (centre, line_bottom - (line_bottom - line_top) * week.accuracy)
        )
    for a, b in itertools.pairwise(dots):
        if a is not None and b is not None:
            card.pen.line((a, b), fill=t.good, width=4)
    for dot in dots:
        if dot is not None:
            card.pen.ellipse((dot[0] - 8, dot[1] - 8, dot[0] + 8, dot[1] + 8), fill=t.good,
                             outline=t.background, width=2)  # fmt: skip


# -- serving pictures -------------------------------------------------------------------------------


def _drawn(report: ProgressReport) -> ProgressReport:
    """The report as far as the card shows it: what is not drawn does not force a new picture."""
    return dataclasses.replace(report, reviews_due=0, exams=(), weakest=None)


class ProgressPictures:
    """Progress cards as PNG bytes, drawn on a worker thread, kept until what they show changes.

    The key is the report as drawn: a new answer, a day added to the streak or a new week makes
    a new picture; asking again without any of that returns the same bytes at once.
    """

    def __init__(self, size: int = CACHED) -> None:
        self.size = size
        self._held: OrderedDict[tuple[ProgressReport, str], bytes] = OrderedDict()
        self._drawing: dict[tuple[ProgressReport, str], asyncio.Future[bytes]] = {}
        self.drawn = 0  # pictures actually drawn (not served from the cache)

    async def png(self, report: ProgressReport, theme: str = "dark") -> bytes:
        key = (_drawn(report), theme)
        held = self._held.get(key)
        if held is not None:
            self._held.move_to_end(key)
            return held
        pending = self._drawing.get(key)
        if pending is not None:  # the same picture asked twice at once is drawn once
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._drawing[key] = future
        try:
            began = time.perf_counter()
            drawing = await asyncio.to_thread(draw_progress, report, theme)
            log.debug("progress picture drawn in %.1f ms", (time.perf_counter() - began) * 1000)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning if nobody else waits
            raise
        finally:
            del self._drawing[key]
        self.drawn += 1
        self._held[key] = drawing.png
        if len(self._held) > self.size:
            self._held.popitem(last=False)
        future.set_result(drawing.png)
        return drawing.png
