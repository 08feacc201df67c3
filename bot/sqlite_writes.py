"""What a failed SQLite write becomes: a StorageError the adapters turn into one line."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from bot.errors import StorageError

__all__ = ["storage_error", "writes"]

P = ParamSpec("P")
R = TypeVar("R")


def writes(
    method: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Turn a SQLite failure (a full disk, a read-only file, a lock held too long) into a
    StorageError; constraint violations stay what they are, for the caller to decide."""

    @functools.wraps(method)
    async def write(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except sqlite3.Error as error:
            raised = storage_error(error)
            if raised is error:
                raise
            raise raised from error

    return write


def storage_error(error: Exception) -> Exception:
    """The error to give the caller for this one: a StorageError for a database that cannot
    write; anything else (a constraint, a bug) as it is."""
    if isinstance(error, sqlite3.Error) and not isinstance(error, sqlite3.IntegrityError):
        return StorageError(str(error))
    return error
