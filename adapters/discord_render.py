"""Discord embeds for the core's views, kept within Discord's size limits."""

from __future__ import annotations

import discord

from adapters.discord_common import clip, escape
from adapters.text import leaderboard_title
from bot.i18n import pct, t
from bot.views import (
    Feedback,
    Leaderboard,
    LessonList,
    LessonView,
    ProgressReport,
    QuestionCard,
    bar,
)

__all__ = [
    "card_embed",
    "feedback_embed",
    "leaderboard_embed",
    "lesson_embed",
    "lessons_embed",
    "progress_embed",
]

# Discord's limits: title 256, description 4096, field name 256 / value 1024, 25 fields,
# footer 2048, and 6000 characters for the whole embed.
TITLE, DESCRIPTION, FIELD_NAME, FIELD_VALUE, FOOTER, TOTAL = 256, 4096, 256, 1024, 2048, 6000
BLUE = discord.Colour(0x2E73B8)
GREEN = discord.Colour(0x2E9E4F)
RED = discord.Colour(0xC0392B)


def card_embed(card: QuestionCard, selected: str = "") -> discord.Embed:
    loc = card.locale
    header = t(loc, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task)
    options = "\n".join(f"**{letter})** {text}" for letter, text in card.options)
    embed = discord.Embed(
        title=clip(header, TITLE),
        description=clip(f"{card.stem}\n\n{options}", DESCRIPTION),
        colour=BLUE,
    )
    if card.choose > 1:
        footer = t(loc, "quiz.pick", n=card.choose)
        if selected:
            footer += "\n" + t(loc, "answer.your_choice", letters=", ".join(selected))
    else:
        footer = t(loc, "quiz.prompt_single", letters="/".join(card.letters))
    return embed.set_footer(text=clip(footer, FOOTER))


def feedback_embed(fb: Feedback) -> discord.Embed:
    loc = fb.locale
    lines = [
        t(loc, "answer.your_choice", letters=", ".join(fb.chosen)),
        t(loc, "answer.right_options", letters=", ".join(fb.right)),
    ]
    refs = "\n".join(t(loc, "answer.learn_more", url=url) for url in fb.references)
    footer = t(
        loc,
        "answer.domain_score",
        domain=fb.domain,
        accuracy=pct(loc, fb.domain_accuracy),
        count=fb.domain_attempts,
    )
    head = "\n".join(lines)
    stem = clip(fb.stem, min(DESCRIPTION - len(head) - 2, 1500))
    embed = discord.Embed(
        title=t(loc, "answer.right" if fb.correct else "answer.wrong"),
        description=f"{stem}\n\n{head}",
        colour=GREEN if fb.correct else RED,
    )
    used = len(embed.title or "") + len(embed.description or "") + len(footer) + len(refs)
    share = max(80, (TOTAL - used - 100) // max(1, len(fb.options)))
    for o in fb.options:
        name = clip(
            f"{'✅' if o.right else '❌'} {o.letter}) {o.text}", min(FIELD_NAME, share // 3)
        )
        why = clip(o.why, min(FIELD_VALUE, share - len(name)))
        embed.add_field(name=name, value=why, inline=False)
    if refs:
        embed.add_field(name="\u200b", value=clip(refs, FIELD_VALUE), inline=False)
    return embed.set_footer(text=clip(footer, FOOTER))


def progress_embed(report: ProgressReport) -> discord.Embed:
    loc = report.locale
    lines = [t(loc, "progress.total", correct=report.correct, attempts=report.attempts)]
    if report.estimate is None:
        lines.append(
            t(loc, "progress.too_few", n=report.answers_needed, pass_mark=report.pass_mark)
        )
    else:
        lines.append(
            t(loc, "progress.estimate", estimate=report.estimate, pass_mark=report.pass_mark)
        )
    if report.weakest is not None:
        lines.append(t(loc, "progress.weakest", id=report.weakest.id, name=report.weakest.name))
    embed = discord.Embed(
        title=clip(t(loc, "progress.title", name=escape(report.display_name)), TITLE),
        description="\n\n".join(lines),
        colour=BLUE,
    )
    for d in report.domains:
        stats = (
            t(loc, "progress.domain_stats", count=d.attempts, accuracy=pct(loc, d.accuracy))
            if d.attempts
            else t(loc, "progress.no_answers")
        )
        name = t(loc, "progress.domain_line", id=d.id, name=d.name, weight=d.weight)
        embed.add_field(
            name=clip(name, FIELD_NAME), value=f"`{bar(d.accuracy)}` {stats}", inline=False
        )
    return embed


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    loc = board.locale
    rows = []
    for r in board.rows:
        row = t(
            loc,
            "leaderboard.row",
            rank=r.rank,
            name=escape(r.name) or "—",
            correct=r.correct,
            attempts=r.attempts,
        )
        rows.append(f"**{row}**" if r.is_caller else row)
    me = board.caller
    mine = (
        t(loc, "leaderboard.you", rank=me.rank, correct=me.correct, attempts=me.attempts)
        if me
        else t(loc, "leaderboard.you_none")
    )
    body = "\n".join(rows) if rows else t(loc, "leaderboard.empty")
    return discord.Embed(
        title=clip(leaderboard_title(board), TITLE),
        description=clip(f"{body}\n\n{mine}", DESCRIPTION),
        colour=BLUE,
    )


def lesson_embed(lesson: LessonView) -> discord.Embed:
    loc = lesson.locale
    embed = discord.Embed(
        title=clip(lesson.title, TITLE),
        description=clip(lesson.body.strip(), DESCRIPTION),
        colour=BLUE,
    )
    if lesson.references:
        refs = "\n".join(lesson.references)
        embed.add_field(name=t(loc, "lesson.references"), value=clip(refs, FIELD_VALUE))
    if lesson.domain is not None:
        embed.set_footer(text=t(loc, "lesson.quiz_hint", domain=lesson.domain))
    return embed


def lessons_embed(lessons: LessonList) -> discord.Embed:
    loc = lessons.locale
    lines = [f"`{x.id}` — {x.title}" for x in lessons.lessons]
    embed = discord.Embed(
        title=t(loc, "lesson.list_title"),
        description=clip("\n".join(lines), DESCRIPTION),
        colour=BLUE,
    )
    return embed.set_footer(text=t(loc, "lesson.list_hint"))
