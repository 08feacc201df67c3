"""The one exception root; adapters map these to user messages in one handler."""

from __future__ import annotations

__all__ = [
    "ChannelUnavailable",
    "ConfigError",
    "ContentError",
    "InvalidAnswer",
    "NewerDatabase",
    "NotFound",
    "StorageError",
    "StudyBotError",
]


class StudyBotError(Exception):
    """Root of every error studybot raises on purpose.

    `key` names a message in the i18n catalog and `params` fill it, so each adapter can tell
    the learner what went wrong in their language.
    """

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(f"{self.key} {params}" if params else self.key)


class ContentError(StudyBotError):
    """Content failed validation; `problems` holds one line per problem."""

    key = "error.content"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(count=len(problems))
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)


class ConfigError(StudyBotError):
    """A setting is missing or malformed; the message names it and what it expects."""

    key = "error.config"

    def __init__(self, message: str) -> None:
        super().__init__(message=message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NewerDatabase(ConfigError):
    """The database was written by a newer studybot: this one must not read or write it."""

    def __init__(self, where: str, version: int, known: int) -> None:
        super().__init__(
            f"{where} was written by a newer studybot (schema {version}; this one knows "
            f"{known}): upgrade studybot, or restore a backup made by this version"
        )


class StorageError(StudyBotError):
    """The database could not record something (a full disk, a read-only file): nothing of it
    was counted, and the learner is told so in one line."""

    key = "error.storage"

    def __init__(self, cause: str) -> None:
        super().__init__()
        self.cause = cause

    def __str__(self) -> str:
        return self.cause


class InvalidAnswer(StudyBotError):
    """The learner's choice is not a valid answer to the question."""

    key = "error.invalid_answer"


class NotFound(StudyBotError):
    """An unknown question, lesson or domain was asked for."""

    key = "error.not_found"


class ChannelUnavailable(StudyBotError):
    """A platform refused a post for good (channel deleted, access removed)."""

    key = "error.generic"

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
