"""`make picture`: the README's sample progress cards, drawn the way the bot draws them.

A learner studies the shipped question bank for eight weeks on a throwaway SQLite file (a fixed
clock and seed: the same cards every run), answers the daily question on twelve days in a row,
then `/progress` is asked and the card is drawn in both themes to docs/progress-dark.png and
docs/progress-light.png (English) and docs/progress-fr.png (French, dark).
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.shared.picture import draw_progress, font_in_use
from bot.content import load_content
from bot.daily import DailyService
from bot.memory import Memory
from bot.service import StudyService
from bot.store import open_store
from bot.views import UserRef

HERE = Path(__file__).parent
NOW = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
LEARNER = UserRef("console", "local", "camille", "Camille")
# Answers per week (oldest first) and the chance of a right answer in each domain, which grows.
PER_WEEK = (0, 14, 30, 42, 0, 55, 60, 38)
SKILL = {1: (0.55, 0.85), 2: (0.45, 0.72), 3: (0.40, 0.66), 4: (0.60, 0.80)}


async def study(db: Path) -> None:
    clock = [NOW - timedelta(weeks=7)]
    service = StudyService(
        load_content(), await open_store(db), rng=random.Random(11), clock=lambda: clock[0],
        memory=Memory(fuzz=False),
    )  # fmt: skip
    rng = random.Random(5)
    try:
        for week, count in enumerate(PER_WEEK):
            for n in range(count):
                clock[0] = NOW - timedelta(weeks=7 - week, hours=count - n)
                card = await service.next_question(LEARNER, "en")
                q = service.question(card.question_id)
                low, high = SKILL[q.domain]
                right = rng.random() < low + (high - low) * week / 7
                wrong = [x for x in q.letters if x not in q.answer][: q.choose]
                choice = sorted(q.answer) if right else wrong
                await service.answer(LEARNER, q.id, card.token, choice, "en")
        daily = DailyService(service)
        channel = await daily.configure("console", "local", "terminal")
        for back in range(11, -1, -1):
            clock[0] = NOW - timedelta(days=back)
            post = await daily.today(channel)
            q = service.question(post.question_id)
            await daily.answer(LEARNER, post.id, sorted(q.answer), "en")
        clock[0] = NOW
        for locale, theme, name in (
            ("en", "dark", "progress-dark.png"),
            ("en", "light", "progress-light.png"),
            ("fr", "dark", "progress-fr.png"),
        ):
            report = await service.progress(LEARNER, locale)
            drawing = draw_progress(report, theme)
            (HERE / name).write_bytes(drawing.png)
            print(f"{HERE / name}: {len(drawing.png) // 1024} KB, font {drawing.font}")
    finally:
        await service.store.close()


def main() -> int:
    if font_in_use() == "pillow-default":
        print("DejaVu Sans not found (apt-get install fonts-dejavu-core): the sample would have "
              "no accents", file=sys.stderr)  # fmt: skip
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(study(Path(tmp) / "picture.db"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
