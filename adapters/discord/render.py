"""Discord embeds for the core's views, kept within Discord's size limits.

What each reply says comes from `bot.present`; this module only lays the lines out as embeds.
"""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot import present, views
from bot.i18n import COMMANDS, t
from bot.present import Line
from bot.views import bar

__all__ = [
    "BLUE",
    "PICTURE",
    "card_embed",
    "clip",
    "commands",
    "daily_embed",
    "escape",
    "exam_embed",
    "exam_result_embed",
    "feedback_embed",
    "leaderboard_embed",
    "lesson_embed",
    "lessons_embed",
    "progress_embed",
    "reveal_embed",
    "say",
    "stats_embed",
]

# Discord's limits: title 256, description 4096, field name 256 / value 1024, 25 fields,
# footer 2048, author 256, and 6000 characters for the whole embed.
TITLE, DESCRIPTION, FIELD_NAME, FIELD_VALUE, FOOTER, TOTAL = 256, 4096, 256, 1024, 2048, 6000
AUTHOR = 256
PICTURE = "progress.png"  # the progress card's attachment, shown as the embed's image
BLUE = discord.Colour(0x2E73B8)
GREEN = discord.Colour(0x2E9E4F)
RED = discord.Colour(0xC0392B)
# Commands as Discord shows them: localized names for a French client (/leçon, /progression).
_LOCALIZED = {
    "quiz": "quiz",
    "progress": "progress",
    "leaderboard": "leaderboard",
    "lesson": "lesson",
    "lang": "language",
    "review": "review",
    "exam": "exam",
}


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def escape(text: str) -> str:
    """A member-supplied text shown as typed: no markdown, no mentions."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def commands(locale: str) -> Mapping[str, str]:
    names = dict(COMMANDS)
    names.update({k: "/" + t(locale, f"discord.cmd.{v}") for k, v in _LOCALIZED.items()})
    return names


def say(locale: str, line: Line) -> str:
    """A catalog line as Discord text: member-typed values escaped, commands localized."""
    names = commands(locale)

    def text(key: str, params: Mapping[str, object]) -> str:
        shown = {k: escape(v) if isinstance(v, present.Name) else v for k, v in params.items()}
        return t(locale, key, cmd=names, **shown)

    return present.resolve(line, text)


def _option_fields(
    embed: discord.Embed,
    options: tuple[views.OptionFeedback, ...],
    extra: Mapping[str, str],
    used: int,
) -> None:
    """One field per option: a mark, the option, then `extra` (if any) and why it is right or not."""
    share = max(80, (TOTAL - used - 100) // max(1, len(options)))
    for o in options:
        name = clip(
            f"{'✅' if o.right else '❌'} {o.letter}) {o.text}", min(FIELD_NAME, share // 3)
        )
        value = f"{extra[o.letter]}\n{o.why}" if o.letter in extra else o.why
        embed.add_field(
            name=name, value=clip(value, min(FIELD_VALUE, share - len(name))), inline=False
        )


def _references(embed: discord.Embed, refs: str) -> None:
    if refs:
        embed.add_field(name="\u200b", value=clip(refs, FIELD_VALUE), inline=False)


def card_embed(card: views.QuestionCard, selected: str = "") -> discord.Embed:
    loc = card.locale
    options = "\n".join(f"**{letter})** {text}" for letter, text in card.options)
    embed = discord.Embed(
        title=clip(say(loc, present.card_header(card)), TITLE),
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


def daily_embed(card: views.QuestionCard, day: str) -> discord.Embed:
    """The channel's question of the day; members answer with the message's components."""
    loc = card.locale
    options = "\n".join(f"**{letter})** {text}" for letter, text in card.options)
    hint = t(loc, "discord.daily_pick", n=card.choose) if card.choose > 1 else t(loc, "daily.hint")
    embed = discord.Embed(
        title=clip(say(loc, present.daily_title(loc, day)), TITLE),
        description=clip(f"{card.stem}\n\n{options}", DESCRIPTION),
        colour=BLUE,
    )
    embed.set_author(name=clip(say(loc, present.card_header(card)), AUTHOR))
    return embed.set_footer(text=clip(hint, FOOTER))


def feedback_embed(fb: views.Feedback) -> discord.Embed:
    loc = fb.locale
    parts = present.feedback_parts(fb)
    head = "\n".join(say(loc, x) for x in parts.notes)
    refs = "\n".join(say(loc, x) for x in parts.references)
    footer = "\n".join(say(loc, x) for x in (parts.score, parts.due) if x is not None)
    stem = clip(fb.stem, min(DESCRIPTION - len(head) - 2, 1500))
    embed = discord.Embed(
        title=say(loc, parts.verdict),
        description=f"{stem}\n\n{head}",
        colour=GREEN if fb.correct else RED,
    )
    used = len(embed.title or "") + len(embed.description or "") + len(footer) + len(refs)
    _option_fields(embed, parts.options, {}, used)
    _references(embed, refs)
    return embed.set_footer(text=clip(footer, FOOTER))


def reveal_embed(reveal: views.DailyReveal) -> discord.Embed:
    """The right answer, why each option is right or wrong, and how many members picked it."""
    loc = reveal.locale
    parts = present.reveal_parts(reveal)
    head = f"{say(loc, parts.right)}\n{say(loc, parts.total)}"
    stem = clip(reveal.stem, min(DESCRIPTION - len(head) - 2, 1500))
    embed = discord.Embed(
        title=clip(say(loc, parts.title), TITLE), description=f"{stem}\n\n{head}", colour=GREEN
    )
    refs = "\n".join(say(loc, x) for x in parts.references)
    tallies = {r.option.letter: f"`{bar(r.fraction)}` {say(loc, r.count)}" for r in parts.rows}
    used = len(embed.title or "") + len(embed.description or "") + len(refs)
    _option_fields(embed, reveal.options, tallies, used)
    _references(embed, refs)
    return embed


def progress_embed(report: views.ProgressReport) -> discord.Embed:
    loc = report.locale
    parts = present.progress_parts(report)
    embed = discord.Embed(
        title=clip(say(loc, parts.title), TITLE),
        description="\n\n".join(say(loc, x) for x in parts.summary),
        colour=BLUE,
    )
    for row in parts.domains:
        embed.add_field(
            name=clip(say(loc, row.head), FIELD_NAME),
            value=f"`{bar(row.fraction)}` {say(loc, row.stats)}",
            inline=False,
        )
    if parts.exams:
        lines = "\n".join(say(loc, x) for x in parts.exams[1:])
        embed.add_field(name=say(loc, parts.exams[0]), value=clip(lines, FIELD_VALUE), inline=False)
    return embed


def exam_embed(step: views.ExamStep, selected: str = "") -> discord.Embed:
    """An exam question: where the learner is and the time left, no right or wrong."""
    loc = step.card.locale
    parts = present.exam_step_parts(step)
    embed = card_embed(step.card, selected)
    embed.set_author(name=clip(say(loc, parts.title), AUTHOR))
    if parts.notes:
        notes = " ".join(say(loc, x) for x in parts.notes)
        embed.description = clip(f"*{notes}*\n\n{embed.description}", DESCRIPTION)
    return embed


def exam_result_embed(result: views.ExamResult) -> discord.Embed:
    loc = result.locale
    parts = present.exam_result_parts(result)
    embed = discord.Embed(
        title=clip(say(loc, parts.title), TITLE),
        description=clip("\n".join(say(loc, x) for x in parts.summary), DESCRIPTION),
        colour=GREEN if result.passed else RED,
    )
    if parts.domains:
        domains = "\n".join(say(loc, x) for x in parts.domains)
        embed.add_field(name="\u200b", value=clip(domains, FIELD_VALUE), inline=False)
    if parts.missed_title is not None:
        missed = "\n".join(f"`{qid}` {clip(stem, 90)}" for qid, stem in parts.missed)
        embed.add_field(
            name=say(loc, parts.missed_title), value=clip(missed, FIELD_VALUE), inline=False
        )
    if parts.review_hint is not None:
        embed.set_footer(text=say(loc, parts.review_hint))
    return embed


def leaderboard_embed(board: views.Leaderboard) -> discord.Embed:
    loc = board.locale
    parts = present.leaderboard_parts(board)
    rows = [f"**{say(loc, r.line)}**" if r.is_caller else say(loc, r.line) for r in parts.rows]
    body = "\n".join(rows) if parts.empty is None else say(loc, parts.empty)
    return discord.Embed(
        title=clip(say(loc, parts.title), TITLE),
        description=clip(f"{body}\n\n{say(loc, parts.you)}", DESCRIPTION),
        colour=BLUE,
    )


def lesson_embed(lesson: views.LessonView) -> discord.Embed:
    loc = lesson.locale
    embed = discord.Embed(
        title=clip(lesson.title, TITLE),
        description=clip(lesson.body.strip(), DESCRIPTION),
        colour=BLUE,
    )
    if lesson.references:
        refs = "\n".join(lesson.references)
        embed.add_field(name=t(loc, "lesson.references"), value=clip(refs, FIELD_VALUE))
    hint = present.lesson_hint(lesson)
    if hint is not None:
        embed.set_footer(text=say(loc, hint))
    return embed


def lessons_embed(lessons: views.LessonList) -> discord.Embed:
    loc = lessons.locale
    lines = [f"`{x.id}` — {x.title}" for x in lessons.lessons]
    embed = discord.Embed(
        title=t(loc, "lesson.list_title"),
        description=clip("\n".join(lines), DESCRIPTION),
        colour=BLUE,
    )
    return embed.set_footer(text=t(loc, "lesson.list_hint", cmd=commands(loc)))


def stats_embed(week: views.CommunityWeek) -> discord.Embed:
    """A community's week for its organisers: totals, domains, the daily question, question ids."""
    loc = week.locale
    parts = present.stats_parts(week)
    description = "\n".join(say(loc, x) for x in parts.summary)
    embed = discord.Embed(title=clip(say(loc, parts.title), TITLE), description=description,
                          colour=BLUE)  # fmt: skip
    for row in parts.domains:
        embed.add_field(
            name=clip(say(loc, row.head), FIELD_NAME),
            value=f"`{bar(row.fraction)}` {say(loc, row.stats)}",
            inline=False,
        )
    embed.add_field(
        name="\u200b", value=clip("\n".join(say(loc, x) for x in parts.daily), FIELD_VALUE),
        inline=False,
    )  # fmt: skip
    missed = "\n".join(
        say(loc, m.line) + (f"\n> {escape(clip(' '.join(m.stem.split()), 120))}" if m.stem else "")
        for m in parts.missed
    )
    embed.add_field(name=clip(say(loc, parts.missed_title), FIELD_NAME),
                    value=clip(missed, FIELD_VALUE) or "\u200b", inline=False)  # fmt: skip
    return embed
