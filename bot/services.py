"""The core's services for one process, built once by the runtime and handed to a face."""

from __future__ import annotations

from dataclasses import dataclass

from bot.daily import DailyService
from bot.exam import ExamService
from bot.service import StudyService

__all__ = ["Services"]


@dataclass(frozen=True)
class Services:
    """Study (quiz, review, progress, leaderboards, lessons, reports), daily posts, mock exams."""

    study: StudyService
    daily: DailyService
    exam: ExamService

    @classmethod
    def build(cls, study: StudyService) -> Services:
        return cls(study, DailyService(study), ExamService(study))
