"""The progress picture: size, format, that every text fits, both themes, French, the cache."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import itertools
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from adapters.shared.picture import (
    HEIGHT,
    THEMES,
    WIDTH,
    Drawing,
    ProgressPictures,
    draw_progress,
    font_in_use,
)
from bot.service import weeks_before
from bot.views import DomainProgress, ProgressReport, ReadinessView, WeekActivity

GOLDEN = Path(__file__).parent / "fixtures" / "progress-golden.png"
NAMES = {
    "en": (
        "Data Ingestion and Transformation",
        "Data Store Management",
        "Data Operations and Support",
        "Data Security and Governance",
    ),
    "fr": (
        "Ingestion et transformation des données",
        "Gestion du stockage des données",
        "Opérations et support des données",
        "Sécurité et gouvernance des données",
    ),
}
WEIGHTS = (34, 26, 22, 18)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def weeks(*counts: tuple[int, int]) -> tuple[WeekActivity, ...]:
    found = list(counts) + [(0, 0)] * (8 - len(counts))
    return tuple(
        WeekActivity(key, monday, attempts, correct)
        for (key, monday), (attempts, correct) in zip(weeks_before(NOW, 8), found, strict=True)
    )


def new_learner(locale: str = "en", name: str = "Ana") -> ProgressReport:
    domains = tuple(DomainProgress(n + 1, NAMES[locale][n], WEIGHTS[n], 0, 0) for n in range(4))
    return ProgressReport(locale, name, domains, None, 20, None, weeks=weeks())


def seasoned(locale: str = "en", name: str = "Anaïs Lefèvre") -> ProgressReport:
    """Every domain answered, an estimate, a streak, and answers in most of the last weeks."""
    answered = ((120, 92), (80, 51), (64, 37), (40, 31))
    domains = tuple(
        DomainProgress(n + 1, NAMES[locale][n], WEIGHTS[n], *answered[n]) for n in range(4)
    )
    return ProgressReport(
        locale, name, domains, 712, 0, domains[2], streak=12,
        readiness=ReadinessView(748, 0.64), reviews_due=3,
        weeks=weeks((0, 0), (12, 6), (40, 25), (55, 38), (0, 0), (70, 52), (81, 63), (46, 37)),
    )  # fmt: skip


def check_fits(drawing: Drawing) -> None:
    """A PNG of the card's size; every text inside the canvas and clear of every other text."""
    assert drawing.png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(drawing.png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (1200, 980)
    assert len(drawing.png) < 200_000
    for text in drawing.texts:
        left, top, right, bottom = text.box
        assert 0 <= left < right <= WIDTH and 0 <= top < bottom <= HEIGHT, text
    for a, b in itertools.combinations(drawing.texts, 2):
        apart = (
            a.box[2] <= b.box[0]
            or b.box[2] <= a.box[0]
            or a.box[3] <= b.box[1]
            or b.box[3] <= a.box[1]
        )
        assert apart, (a, b)


def texts(drawing: Drawing) -> str:
    """Every text drawn, one a line; a sentence wrapped on two lines reads as one here too."""
    lines = [t.text for t in drawing.texts]
    return "\n".join(lines) + "\n" + " ".join(lines)


def test_a_new_learner_sees_empty_bars_and_what_an_estimate_needs() -> None:
    drawing = draw_progress(new_learner())
    check_fits(drawing)
    shown = texts(drawing)
    assert "Progress of Ana" in shown
    assert "20 more answers" in shown and "/ 1000" not in shown
    assert "pass 720" in shown
    assert sum(t.text == "no answers yet" for t in drawing.texts) == 4
    assert "No answers in these weeks yet: every answer shows here." in shown
    assert "Daily streak: 0 days" in shown


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_learner_with_every_domain_answered_in_both_themes(theme: str) -> None:
    drawing = draw_progress(seasoned(), theme)
    check_fits(drawing)
    shown = texts(drawing)
    for n, name in enumerate(NAMES["en"], start=1):
        assert f"D{n} {name}" in shown
    assert "120 answers · 77% right" in shown and "34% of the exam" in shown
    assert "748 / 1000" in shown and "Chance of passing today: 64%" in shown
    assert "Daily streak: 12 days" in shown and "Last 8 weeks" in shown
    for count in ("12", "40", "55", "70", "81", "46"):
        assert count in shown.splitlines()
    assert "23 Nov" in shown and "80%" in shown
    # Its own ground, whatever the client's theme: the corner is the theme's background (the
    # palette the PNG is saved with may move a colour by a step or two).
    corner = Image.open(io.BytesIO(drawing.png)).convert("RGB").getpixel((2, 2))
    ground = Image.new("RGB", (1, 1), THEMES[theme].background).getpixel((0, 0))
    assert isinstance(corner, tuple) and isinstance(ground, tuple)
    assert all(abs(a - b) <= 4 for a, b in zip(corner, ground, strict=True)), (corner, ground)


def luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_colour_of_text_reads_on_its_ground_in_both_themes(theme: str) -> None:
    t = THEMES[theme]
    for ground in (t.background, t.panel):
        assert contrast(t.text, ground) >= 7, ground  # WCAG AAA for the main text
        for colour in (t.muted, t.good, t.warn, t.bad):
            assert contrast(colour, ground) >= 4.5, (colour, ground)  # WCAG AA


def test_french_keeps_its_accents_with_dejavu_and_fits() -> None:
    assert font_in_use().endswith("DejaVuSans.ttf")  # found at a documented path
    drawing = draw_progress(seasoned("fr"), "light")
    check_fits(drawing)
    shown = texts(drawing)
    assert "Progression de Anaïs Lefèvre" in shown
    assert "D1 Ingestion et transformation des données" in shown
    assert "120 réponses · 77\u202f% de bonnes" in shown and "34\u202f% de l'examen" in shown
    assert "Les 8 dernières semaines" in shown and "23 nov." in shown
    assert "réussite 720" in shown


def test_without_dejavu_the_bundled_font_draws_french_without_accents() -> None:
    drawing = draw_progress(seasoned("fr"), "dark", fallback=True)
    check_fits(drawing)
    assert drawing.font == "pillow-default"
    shown = texts(drawing)
    assert shown.isascii()  # the bundled font has no accented letter: no box is drawn
    assert "D1 Ingestion et transformation des donnees" in shown
    assert "Serie quotidienne : 12 jours" in shown


def test_a_long_name_is_cut_to_fit_the_title() -> None:
    drawing = draw_progress(new_learner("fr", "W" * 80), "dark")
    check_fits(drawing)
    (title,) = [t for t in drawing.texts if t.text.startswith("Progression de WWW")]
    assert title.text.endswith("…") and len(title.text) < 60


def test_the_drawing_matches_the_golden_image_within_a_tolerance() -> None:
    """Drawn with Pillow's bundled font, so the comparison does not depend on the system's.

    After a deliberate change of the layout: `python -m tests.test_picture` draws it again.
    """
    drawing = draw_progress(seasoned(), "dark", fallback=True)
    drawn = Image.open(io.BytesIO(drawing.png)).convert("RGB")
    golden = Image.open(GOLDEN).convert("RGB")
    assert drawn.size == golden.size
    diff = ImageStat.Stat(ImageChops.difference(drawn, golden)).mean
    assert max(diff) < 2.0, diff  # mean difference per channel, out of 255


async def test_pictures_are_drawn_off_the_loop_once_until_what_they_show_changes() -> None:
    pictures = ProgressPictures()
    report = seasoned()
    first, again = await asyncio.gather(pictures.png(report), pictures.png(report))
    assert first == again and pictures.drawn == 1
    # Reviews coming due or a weakest domain change nothing drawn: the same bytes.
    moved = dataclasses.replace(report, reviews_due=9, weakest=None)
    assert await pictures.png(moved) is first and pictures.drawn == 1
    light = await pictures.png(report, "light")
    assert light != first and pictures.drawn == 2
    # One more answer: a new picture.
    d1 = dataclasses.replace(report.domains[0], attempts=121, correct=93)
    answered = dataclasses.replace(report, domains=(d1, *report.domains[1:]))
    assert await pictures.png(answered) != first and pictures.drawn == 3
    small = ProgressPictures(size=1)
    await small.png(report)
    await small.png(answered)
    await small.png(report)
    assert small.drawn == 3  # only the last one is kept


def test_pillow_is_imported_only_when_a_picture_is_drawn() -> None:
    code = (
        "import sys, adapters.shared.picture, adapters.console.app, adapters.discord.app\n"
        "print('PIL' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


if __name__ == "__main__":
    GOLDEN.write_bytes(draw_progress(seasoned(), "dark", fallback=True).png)
    print(f"wrote {GOLDEN}")
