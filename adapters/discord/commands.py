"""The members' slash commands: /quiz, /progress, /leaderboard, /lesson, /language."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str
from discord.utils import MISSING

from adapters.discord.buttons import next_view, send_question, send_review
from adapters.discord.common import (
    PLATFORM,
    guild_ref,
    loc,
    locale_of,
    on_error,
    reply,
    service_of,
)
from adapters.discord.exam import send_exam
from adapters.discord.render import (
    PICTURE,
    clip,
    leaderboard_embed,
    lesson_embed,
    lessons_embed,
    progress_embed,
)
from adapters.shared.picture import ProgressPictures
from bot.content import Content
from bot.errors import StudyBotError
from bot.i18n import t
from bot.views import ProgressReport, Scope, UserRef

__all__ = ["PROGRESS_PUBLIC", "languages", "localized", "register_commands"]

log = logging.getLogger(__name__)

PROGRESS_PUBLIC = "progress_public"
MAX_CHOICES = 25


def _domain_choices(content: Content) -> list[Choice[int]]:
    return [
        Choice(
            name=locale_str(
                clip(f"{d.id} · {d.name.en}", 100), fr=clip(f"{d.id} · {d.name.fr}", 100)
            ),
            value=d.id,
        )
        for d in content.domains
    ]


def _task_choices(content: Content) -> list[Choice[str]]:
    return [
        Choice(
            name=locale_str(
                clip(f"{t.id} · {t.name.en}", 100), fr=clip(f"{t.id} · {t.name.fr}", 100)
            ),
            value=t.id,
        )
        for d in content.domains
        for t in d.tasks
    ][:MAX_CHOICES]


def _periods() -> list[Choice[str]]:
    return [
        Choice(name=loc("leaderboard.period_all"), value="all"),
        Choice(name=loc("leaderboard.period_week"), value="week"),
    ]


def languages() -> list[Choice[str]]:
    """The two languages, named in their own language (not translated)."""
    return [Choice(name="English", value="en"), Choice(name="Français", value="fr")]


async def quiz(
    interaction: discord.Interaction[Any], domain: int | None = None, task: str | None = None
) -> None:
    scope = service_of(interaction).parse_scope(task) if task else Scope(domain=domain)
    await send_question(interaction, scope)


async def review(interaction: discord.Interaction[Any]) -> None:
    await send_review(interaction)


async def exam(
    interaction: discord.Interaction[Any], size: app_commands.Range[int, 1, 65] = 65
) -> None:
    await send_exam(interaction, size)


async def progress(
    interaction: discord.Interaction[Any], member: discord.Member | None = None
) -> None:
    ref = guild_ref(interaction)
    service = service_of(interaction)
    locale = await locale_of(interaction)
    target = ref
    if member is not None and member.id != interaction.user.id:
        shown = await service.community_setting(PLATFORM, ref.community, PROGRESS_PUBLIC)
        if shown != "1":
            raise StudyBotError("error.private_progress")
        target = UserRef(PLATFORM, ref.community, str(member.id), member.display_name)
    report = await service.progress(target, locale)
    embed = progress_embed(report)
    picture = await _picture(interaction, report)
    if picture is not None:
        embed.set_image(url=f"attachment://{PICTURE}")
    await reply(interaction, embed=embed, file=picture or MISSING)


async def _picture(
    interaction: discord.Interaction[Any], report: ProgressReport
) -> discord.File | None:
    """The progress card as an attachment; None (the embed alone) if it cannot be drawn."""
    pictures: ProgressPictures | None = getattr(interaction.client, "pictures", None)
    if pictures is None:
        return None
    try:
        png = await pictures.png(report)  # on a worker thread; cached until the scores change
    except Exception:
        log.exception("the progress picture could not be drawn; the embed goes alone")
        return None
    return discord.File(io.BytesIO(png), filename=PICTURE)


async def leaderboard(
    interaction: discord.Interaction[Any], domain: int | None = None, period: str = "all"
) -> None:
    ref = guild_ref(interaction)
    locale = await locale_of(interaction)
    board = await service_of(interaction).leaderboard(ref, locale, domain, period)
    await reply(interaction, embed=leaderboard_embed(board))


async def lesson(interaction: discord.Interaction[Any], topic: str | None = None) -> None:
    service = service_of(interaction)
    locale = await locale_of(interaction)
    if not topic or not topic.strip():
        await reply(interaction, embed=lessons_embed(service.lessons(locale)))
        return
    found = service.lesson(topic, locale)
    if found.task is None or interaction.guild_id is None:
        await reply(interaction, embed=lesson_embed(found))
        return
    label = t(locale, "lesson.quiz_button", task=found.task)
    view = next_view(locale, found.task, interaction.user.id, label)
    await reply(interaction, embed=lesson_embed(found), view=view)


async def lesson_topics(interaction: discord.Interaction[Any], current: str) -> list[Choice[str]]:
    """Lesson titles matching what the member has typed so far."""
    try:
        locale = await locale_of(interaction)
    except Exception as error:  # discord.py would leave it unhandled: log it, offer nothing
        await on_error(interaction, error)
        return []
    typed = current.strip().lower()
    found = [
        Choice(name=clip(x.title, 100), value=x.id)
        for x in service_of(interaction).lessons(locale).lessons
        if typed in x.title.lower() or typed in x.id or typed == (x.task or "")
    ]
    return found[:MAX_CHOICES]


async def language(interaction: discord.Interaction[Any], language: str) -> None:
    ref = guild_ref(interaction)
    chosen = await service_of(interaction).set_locale(ref, language)
    await reply(interaction, t(chosen, "lang.set"))


def register_commands(tree: app_commands.CommandTree[Any], content: Content) -> None:
    """Add the members' commands to `tree`; names and texts are localized at sync."""
    domains = _domain_choices(content)
    tasks = _task_choices(content)
    tree.add_command(localized("quiz", quiz, in_servers=True, domain=domains, task=tasks))
    tree.add_command(localized("review", review, in_servers=True))
    tree.add_command(localized("exam", exam, in_servers=True))
    tree.add_command(localized("progress", progress, in_servers=True))
    tree.add_command(
        localized("leaderboard", leaderboard, in_servers=True, domain=domains, period=_periods())
    )
    cmd = localized("lesson", lesson)
    cmd.autocomplete("topic")(lesson_topics)
    tree.add_command(cmd)
    tree.add_command(localized("language", language, in_servers=True, language=languages()))


def localized(
    name: str,
    callback: Any,
    parent: app_commands.Group | None = None,
    *,
    in_servers: bool = False,
    **choices: list[Choice[Any]],
) -> app_commands.Command[Any, ..., Any]:
    """A command whose name, description and options come from the `discord.` catalog keys.

    `in_servers`: Discord hides it in DMs (learners are counted per server); a stale client
    that still sends it from a DM gets a polite reply from `guild_ref`.
    """
    cmd: app_commands.Command[Any, ..., Any] = app_commands.Command(
        name=loc(f"discord.cmd.{name}"),
        description=loc(f"discord.cmd.{name}.desc"),
        callback=callback,
        parent=parent,
    )
    options = [p.name for p in cmd.parameters]
    app_commands.rename(**{p: loc(f"discord.opt.{p}") for p in options})(cmd)
    app_commands.describe(**{p: loc(f"discord.opt.{p}.desc") for p in options})(cmd)
    if choices:
        app_commands.choices(**choices)(cmd)
    if in_servers:
        app_commands.guild_only(cmd)
    return cmd
