"""Block Kit renderings of the core's views. Pure functions: views in, blocks out."""

from __future__ import annotations

import logging

from adapters.slack_ids import ANSWER, NEXT, PICK, SUBMIT, Pick
from adapters.slack_mrkdwn import (
    MAX_BLOCKS,
    Block,
    Raw,
    actions,
    button,
    chunks,
    clip,
    context,
    divider,
    escape,
    header,
    link,
    markdown,
    section,
    tmd,
)
from adapters.text import leaderboard_title
from bot.i18n import pct, t
from bot.views import (
    DailyChannel,
    Feedback,
    Leaderboard,
    LessonList,
    LessonView,
    ProgressReport,
    QuestionCard,
    bar,
)

__all__ = [
    "card_blocks",
    "daily_blocks",
    "feedback_blocks",
    "home_view",
    "leaderboard_blocks",
    "lesson_blocks",
    "lessons_blocks",
    "progress_blocks",
]

log = logging.getLogger(__name__)

CARD_BLOCK = "sb.card"


def _scope(scope: int | None) -> str:
    return "" if scope is None else str(scope)


def card_blocks(card: QuestionCard, scope: int | None = None) -> list[Block]:
    """The question, one button per option, or checkboxes and Submit for a choose-N question."""
    loc = card.locale
    head = tmd(loc, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task)
    options = "\n".join(f"*{letter})* {escape(text)}" for letter, text in card.options)
    blocks = [context(head), section(escape(card.stem)), section(options)]
    if card.choose == 1:
        buttons = [
            button(letter, f"{ANSWER}.{letter}", Pick(card.question_id, card.token, letter, scope).encode())
            for letter in card.letters
        ]  # fmt: skip
        blocks.append(actions(CARD_BLOCK, buttons))
        return blocks
    boxes = {
        "type": "checkboxes",
        "action_id": PICK,
        "options": [
            {"text": {"type": "plain_text", "text": letter}, "value": letter}
            for letter in card.letters
        ],
    }
    submit = button(
        t(loc, "quiz.submit"), SUBMIT, Pick(card.question_id, card.token, "", scope).encode(), "primary"
    )  # fmt: skip
    blocks.append(context(tmd(loc, "quiz.pick", n=card.choose)))
    blocks.append(actions(CARD_BLOCK, [boxes, submit]))
    return blocks


def feedback_blocks(fb: Feedback, scope: int | None = None) -> list[Block]:
    """Right or wrong, the right options, why each option is right or wrong, docs, Next."""
    loc = fb.locale
    verdict = [f"*{tmd(loc, 'answer.right' if fb.correct else 'answer.wrong')}*"]
    if not fb.counted:
        verdict.append(tmd(loc, "answer.already"))
    verdict.append(tmd(loc, "answer.your_choice", letters=", ".join(fb.chosen)))
    verdict.append(tmd(loc, "answer.right_options", letters=", ".join(fb.right)))
    blocks = [context(escape(clip(fb.stem, 1900))), section("\n".join(verdict))]
    for o in fb.options:
        mark = "✅" if o.right else "✖️"
        blocks.append(section(f"{mark} *{o.letter})* {escape(o.text)}\n{escape(o.why)}"))
    if fb.references:
        refs = [tmd(loc, "answer.learn_more", url=link(url)) for url in fb.references]
        blocks.append(section("\n".join(refs)))
    score = tmd(
        loc, "answer.domain_score", domain=fb.domain, accuracy=pct(loc, fb.domain_accuracy),
        count=fb.domain_attempts,
    )  # fmt: skip
    blocks.append(context(score))
    blocks.append(
        actions("sb.after", [button(t(loc, "quiz.next"), NEXT, _scope(scope), "primary")])
    )
    return blocks[:MAX_BLOCKS]


def progress_blocks(report: ProgressReport) -> list[Block]:
    loc = report.locale
    blocks = [header(t(loc, "progress.title", name=report.display_name))]
    for d in report.domains:
        head = tmd(loc, "progress.domain_line", id=d.id, name=d.name, weight=d.weight)
        stats = (
            tmd(loc, "progress.domain_stats", count=d.attempts, accuracy=pct(loc, d.accuracy))
            if d.attempts
            else tmd(loc, "progress.no_answers")
        )
        blocks.append(section(f"*{head}*\n`{bar(d.accuracy)}`  {stats}"))
    lines = [tmd(loc, "progress.total", correct=report.correct, attempts=report.attempts)]
    if report.estimate is None:
        lines.append(
            tmd(loc, "progress.too_few", n=report.answers_needed, pass_mark=report.pass_mark)
        )
    else:
        estimate = Raw(f"*{report.estimate}*")
        lines.append(tmd(loc, "progress.estimate", estimate=estimate, pass_mark=report.pass_mark))
    if report.weakest is not None:
        lines.append(tmd(loc, "progress.weakest", id=report.weakest.id, name=report.weakest.name))
    blocks.append(section("\n".join(lines)))
    return blocks


def leaderboard_blocks(board: Leaderboard) -> list[Block]:
    loc = board.locale
    rows = []
    for r in board.rows:
        row = tmd(
            loc, "leaderboard.row", rank=r.rank, name=r.name, correct=r.correct, attempts=r.attempts
        )
        rows.append(f"*{row}*  ←" if r.is_caller else row)
    body = "\n".join(rows) if rows else tmd(loc, "leaderboard.empty")
    me = board.caller
    mine = (
        tmd(loc, "leaderboard.you", rank=me.rank, correct=me.correct, attempts=me.attempts)
        if me
        else tmd(loc, "leaderboard.you_none")
    )
    return [header(leaderboard_title(board)), section(body), context(mine)]


def lessons_blocks(lessons: LessonList) -> list[Block]:
    loc = lessons.locale
    lines = "\n".join(f"`{escape(x.id)}`  {escape(x.title)}" for x in lessons.lessons)
    body = [section(piece) for piece in chunks(lines)]
    blocks = [header(t(loc, "lesson.list_title")), *body, context(tmd(loc, "lesson.list_hint"))]
    return blocks[:MAX_BLOCKS]


def lesson_blocks(lesson: LessonView) -> list[Block]:
    loc = lesson.locale
    blocks = [header(lesson.title)]
    blocks.extend(section(piece) for piece in chunks(markdown(lesson.body)))
    if lesson.references:
        refs = "\n".join(f"• {link(url)}" for url in lesson.references)
        blocks.append(section(f"*{tmd(loc, 'lesson.references')}*\n{refs}"))
    blocks = blocks[: MAX_BLOCKS - 1]
    if lesson.domain is not None:
        quiz = button(t(loc, "slack.lesson_quiz", domain=lesson.domain), NEXT, str(lesson.domain))
        blocks.append(actions("sb.lesson", [quiz]))
    return blocks


def home_view(report: ProgressReport, board: Leaderboard) -> Block:
    """The App Home tab: the member's progress and the workspace leaderboard."""
    loc = report.locale
    blocks = [
        header(t(loc, "slack.home_title")),
        section(tmd(loc, "slack.home_hint")),
        divider(),
        *progress_blocks(report),
        divider(),
        *leaderboard_blocks(board),
    ]
    return {"type": "home", "blocks": blocks[:100]}


def daily_blocks(channels: list[DailyChannel], locale: str) -> list[Block]:
    """The workspace's daily-question channels, for admins."""
    lines = [
        tmd(
            locale,
            "slack.daily_line" if c.enabled else "slack.daily_line_off",
            channel=Raw(f"<#{escape(c.channel)}>"),
            time=c.post_time,
            timezone=c.timezone,
        )
        for c in channels
    ]
    body = "\n".join(lines) if lines else tmd(locale, "slack.daily_none")
    return [section(body), context(tmd(locale, "slack.daily_usage"))]
