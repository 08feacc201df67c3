"""Block Kit renderings of the core's views. Pure functions: views in, blocks out.

What each reply says comes from `bot.present`; this module only lays the lines out as blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.shared.text import say as plain
from adapters.slack.ids import ANSWER, NEXT, PICK, SUBMIT, Pick
from adapters.slack.mrkdwn import (
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
from bot import present
from bot.i18n import t
from bot.present import Line
from bot.service import MAX_REPORT
from bot.views import (
    REPORT_REASONS,
    CommunityWeek,
    DailyChannel,
    DailyPost,
    DailyReveal,
    ExamConfirm,
    ExamResult,
    ExamStep,
    Feedback,
    Leaderboard,
    LessonList,
    LessonView,
    OptionFeedback,
    ProgressReport,
    QuestionCard,
    ReviewWait,
    Scope,
    bar,
)

__all__ = [
    "DAILY",
    "DAILY_SUBMIT",
    "card_blocks",
    "daily_blocks",
    "exam_blocks",
    "feedback_blocks",
    "home_view",
    "leaderboard_blocks",
    "lesson_blocks",
    "lessons_blocks",
    "progress_blocks",
    "question_blocks",
    "report_form",
    "report_thanks_view",
    "reveal_blocks",
    "review_wait_blocks",
    "say",
    "short_blocks",
    "stats_blocks",
]

log = logging.getLogger(__name__)

CARD_BLOCK = "sb.card"
EXAM_BLOCK = "sb.exam"
REPORT = "sb.report"  # the Report button under feedback: opens the form
REPORT_PICK = "sb.report.pick"  # the menu of an exam's missed questions
REPORT_FORM = "sb.report.form"  # the form's callback id
REVIEW = "sb.review"  # "Review now"
EXAM_ANSWER = "sb.exam.answer"  # sb.exam.answer.A ...; value: exam|question|letter
EXAM_SUBMIT = "sb.exam.submit"  # a choose-N question, with the boxes ticked
EXAM_SKIP = "sb.exam.skip"
EXAM_FINISH = "sb.exam.finish"  # value: exam|0 (ask first) or exam|1 (confirmed)
EXAM_BACK = "sb.exam.back"
DAILY = "sb.daily"  # one button per letter: sb.daily.A, sb.daily.B, ...
DAILY_SUBMIT = "sb.daily.submit"  # after ticking the boxes (action id PICK) of a choose-N question
SEP = "|"


def say(locale: str, line: Line) -> str:
    """A catalog line as escaped mrkdwn (nested lines are already escaped); `plain` is the
    same line for plain_text fields (headers), which Slack never parses."""

    def text(key: str, params: Mapping[str, object]) -> str:
        return tmd(
            locale,
            key,
            **{k: Raw(v) if isinstance(v, present.Said) else v for k, v in params.items()},
        )

    return present.resolve(line, text)


def _checkboxes(letters: tuple[str, ...]) -> Block:
    return {
        "type": "checkboxes",
        "action_id": PICK,
        "options": [{"text": {"type": "plain_text", "text": x}, "value": x} for x in letters],
    }


def _question(card: QuestionCard) -> list[Block]:
    options = "\n".join(f"*{letter})* {escape(text)}" for letter, text in card.options)
    return [section(escape(card.stem)), section(options)]


def _options(options: tuple[OptionFeedback, ...], extra: Mapping[str, str]) -> list[Block]:
    """One section per option: a mark, the option, `extra` (if any) and why it is right or not."""
    blocks = []
    for o in options:
        mark = "✅" if o.right else "✖️"
        tail = f"{extra[o.letter]}\n" if o.letter in extra else ""
        blocks.append(section(f"{mark} *{o.letter})* {escape(o.text)}\n{tail}{escape(o.why)}"))
    return blocks


def card_blocks(card: QuestionCard, scope: Scope | None = None) -> list[Block]:
    """The question, one button per option, or checkboxes and Submit for a choose-N question."""
    loc = card.locale
    blocks = [context(say(loc, present.card_header(card))), *_question(card)]
    code = (scope or Scope()).encode()
    if card.choose == 1:
        buttons = [
            button(letter, f"{ANSWER}.{letter}", Pick(card.question_id, card.token, letter, code).encode())
            for letter in card.letters
        ]  # fmt: skip
        blocks.append(actions(CARD_BLOCK, buttons))
        return blocks
    submit = button(
        t(loc, "quiz.submit"), SUBMIT, Pick(card.question_id, card.token, "", code).encode(), "primary"
    )  # fmt: skip
    blocks.append(context(tmd(loc, "quiz.pick", n=card.choose)))
    blocks.append(actions(CARD_BLOCK, [_checkboxes(card.letters), submit]))
    return blocks


def question_blocks(post: DailyPost, card: QuestionCard) -> list[Block]:
    """The channel's daily question: date, question, options, and the answer buttons."""
    loc = card.locale
    blocks = [
        header(plain(loc, present.daily_title(loc, post.local_date))),
        context(say(loc, present.card_header(card))),
        *_question(card),
    ]
    if card.choose == 1:
        buttons = [button(x, f"{DAILY}.{x}", f"{post.id}{SEP}{x}") for x in card.letters]
        blocks.append(actions(DAILY, buttons))
    else:
        submit = button(t(loc, "quiz.submit"), DAILY_SUBMIT, f"{post.id}{SEP}", "primary")
        blocks.append(context(tmd(loc, "quiz.pick", n=card.choose)))
        blocks.append(actions(DAILY, [_checkboxes(card.letters), submit]))
    blocks.append(context(tmd(loc, "daily.hint")))
    return blocks


def feedback_blocks(
    fb: Feedback, scope: Scope | None = None, extra: tuple[Line, ...] = ()
) -> list[Block]:
    """Right or wrong, the right options, why each option is right or wrong, docs, Next."""
    loc = fb.locale
    parts = present.feedback_parts(fb)
    notes = (parts.already, *parts.notes) if parts.already else parts.notes
    verdict = [f"*{say(loc, parts.verdict)}*", *(say(loc, x) for x in notes)]
    blocks = [context(escape(clip(fb.stem, 1900))), section("\n".join(verdict))]
    blocks += _options(parts.options, {})
    if parts.references:
        blocks.append(section("\n".join(_linked(loc, x) for x in parts.references)))
    due = (parts.due,) if parts.due is not None else ()
    blocks.append(context(*(say(loc, x) for x in (parts.score, *due, *extra))))
    next_value = (scope or Scope()).encode()
    after = [
        button(t(loc, "quiz.next"), NEXT, next_value, "primary"),
        button(t(loc, "report.button"), REPORT, fb.question_id),
    ]
    blocks.append(actions("sb.after", after))
    return blocks[:MAX_BLOCKS]


def short_blocks(fb: Feedback) -> list[Block]:
    """A repeat's short reply: only the first answer counted, and the right answer."""
    return [section("\n".join(say(fb.locale, x) for x in present.feedback_parts(fb).short))]


def _linked(locale: str, line: Line) -> str:
    url = str(line.params["url"])
    return tmd(locale, line.key, url=link(url))


def reveal_blocks(reveal: DailyReveal) -> list[Block]:
    """The answer for the whole channel: right option(s), why each option, and who picked what."""
    loc = reveal.locale
    parts = present.reveal_parts(reveal)
    blocks = [
        header(plain(loc, parts.title)),
        context(escape(clip(reveal.stem, 1900))),
        section(f"*{say(loc, parts.right)}*"),
        *_options(reveal.options, {}),
    ]
    tallies = [f"*{tmd(loc, 'slack.daily_counts')}*"]
    tallies += [f"`{bar(r.fraction)}`  {say(loc, r.count)}" for r in parts.rows]
    blocks.append(section("\n".join(tallies)))
    blocks.append(context(say(loc, parts.total)))
    if parts.references:
        blocks.append(section("\n".join(_linked(loc, x) for x in parts.references)))
    return blocks[:MAX_BLOCKS]


def progress_blocks(report: ProgressReport) -> list[Block]:
    loc = report.locale
    parts = present.progress_parts(report)
    blocks = [header(plain(loc, parts.title))]
    for row in parts.domains:
        blocks.append(
            section(f"*{say(loc, row.head)}*\n`{bar(row.fraction)}`  {say(loc, row.stats)}")
        )
    blocks.append(section("\n".join(say(loc, x) for x in parts.summary)))
    if parts.exams:
        exams = "\n".join(say(loc, x) for x in parts.exams[1:])
        blocks.append(section(f"*{say(loc, parts.exams[0])}*\n{exams}"))
    return blocks


def stats_blocks(week: CommunityWeek) -> list[Block]:
    """A workspace's week for its admins: totals, domains, the daily question, question ids."""
    loc = week.locale
    parts = present.stats_parts(week)
    blocks = [
        header(plain(loc, parts.title)),
        section("\n".join(say(loc, x) for x in parts.summary)),
    ]
    if parts.domains_title is not None:
        rows = [
            f"*{say(loc, r.head)}*\n`{bar(r.fraction)}`  {say(loc, r.stats)}" for r in parts.domains
        ]
        blocks.append(section(f"*{say(loc, parts.domains_title)}*\n" + "\n".join(rows)))
    blocks.append(section("\n".join(say(loc, x) for x in parts.daily)))
    missed = [
        say(loc, m.line) + (f"\n>{escape(' '.join(m.stem.split())[:150])}" if m.stem else "")
        for m in parts.missed
    ]
    blocks.append(section("\n".join([f"*{say(loc, parts.missed_title)}*", *missed])))
    return blocks


def leaderboard_blocks(board: Leaderboard) -> list[Block]:
    loc = board.locale
    parts = present.leaderboard_parts(board)
    rows = [f"*{say(loc, r.line)}*  ←" if r.is_caller else say(loc, r.line) for r in parts.rows]
    body = "\n".join(rows) if parts.empty is None else say(loc, parts.empty)
    return [header(plain(loc, parts.title)), section(body), context(say(loc, parts.you))]


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
    if present.lesson_hint(lesson) is not None and lesson.task is not None:
        label = t(loc, "lesson.quiz_button", task=lesson.task)
        blocks.append(actions("sb.lesson", [button(label, NEXT, lesson.task)]))
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


def review_wait_blocks(view: ReviewWait) -> list[Block]:
    return [section(say(view.locale, present.review_wait(view)))]


def exam_blocks(view: ExamStep | ExamConfirm | ExamResult) -> list[Block]:
    """An exam's question, its "finish?" question, or its result."""
    if isinstance(view, ExamStep):
        return _exam_step(view)
    if isinstance(view, ExamConfirm):
        loc, exam = view.locale, view.exam_id
        buttons = [
            button(t(loc, "exam.finish"), EXAM_FINISH, f"{exam}{SEP}1", "danger"),
            button(t(loc, "exam.back"), EXAM_BACK, str(exam)),
        ]
        return [section(say(loc, present.exam_confirm_line(view))), actions(EXAM_BLOCK, buttons)]
    return _exam_result(view)


def _exam_step(step: ExamStep) -> list[Block]:
    card, exam = step.card, step.exam_id
    loc = card.locale
    parts = present.exam_step_parts(step)
    head = [say(loc, parts.title), *(say(loc, x) for x in parts.notes)]
    blocks = [context(*head), context(say(loc, present.card_header(card))), *_question(card)]
    value = f"{exam}{SEP}{card.question_id}"
    controls: list[Block]
    if card.choose == 1:
        controls = [button(x, f"{EXAM_ANSWER}.{x}", f"{value}{SEP}{x}") for x in card.letters]
    else:
        blocks.append(context(tmd(loc, "quiz.pick", n=card.choose)))
        submit = button(t(loc, "quiz.submit"), EXAM_SUBMIT, f"{value}{SEP}", "primary")
        controls = [_checkboxes(card.letters), submit]
    blocks.append(actions(EXAM_BLOCK, controls))
    tail = [
        button(t(loc, "exam.skip"), EXAM_SKIP, value),
        button(t(loc, "exam.finish"), EXAM_FINISH, f"{exam}{SEP}0", "danger"),
    ]
    blocks.append(actions("sb.exam.more", tail))
    return blocks


def _exam_result(result: ExamResult) -> list[Block]:
    loc = result.locale
    parts = present.exam_result_parts(result)
    blocks = [
        header(plain(loc, parts.title)),
        section("\n".join(say(loc, x) for x in parts.summary)),
    ]
    if parts.domains:
        blocks.append(section("\n".join(say(loc, x) for x in parts.domains)))
    if parts.missed_title is not None:
        missed = "\n".join(f"`{escape(q)}` {escape(clip(stem, 120))}" for q, stem in parts.missed)
        blocks.append(section(f"*{say(loc, parts.missed_title)}*\n{missed}"))
        picker = {
            "type": "static_select",
            "action_id": REPORT_PICK,
            "placeholder": {"type": "plain_text", "text": t(loc, "report.title")},
            "options": [
                {"text": {"type": "plain_text", "text": clip(q, 75)}, "value": q}
                for q, _ in parts.missed[:100]
            ],
        }
        review = button(t(loc, "quiz.review_now"), REVIEW, "", "primary")
        blocks.append(actions("sb.exam.after", [review, picker]))
    if parts.review_hint is not None:
        blocks.append(context(say(loc, parts.review_hint)))
    return blocks[:MAX_BLOCKS]


def report_form(locale: str, question_id: str) -> Block:
    """The report form (a modal view): a reason, and details of up to 500 characters."""
    reasons = [
        {"text": {"type": "plain_text", "text": t(locale, f"report.reason.{r}")}, "value": r}
        for r in REPORT_REASONS
    ]
    return {
        "type": "modal",
        "callback_id": REPORT_FORM,
        "private_metadata": question_id,
        "title": {"type": "plain_text", "text": clip(t(locale, "report.title"), 24)},
        "submit": {"type": "plain_text", "text": t(locale, "quiz.submit")},
        "blocks": [
            context(f"`{escape(question_id)}`"),
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": t(locale, "report.reason")},
                "element": {"type": "static_select", "action_id": "reason", "options": reasons},
            },
            {
                "type": "input",
                "block_id": "text",
                "optional": True,
                "label": {"type": "plain_text", "text": t(locale, "report.text")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": MAX_REPORT,
                },
            },
        ],
    }


def report_thanks_view(locale: str, question_id: str) -> Block:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": clip(t(locale, "report.title"), 24)},
        "close": {"type": "plain_text", "text": "OK"},
        "blocks": [section(say(locale, present.report_thanks(question_id)))],
    }
