"""Slack mrkdwn and Block Kit building blocks: escaping, catalog texts, size limits."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.i18n import t

__all__ = [
    "MAX_BLOCKS",
    "Block",
    "Raw",
    "actions",
    "button",
    "chunks",
    "clip",
    "context",
    "divider",
    "escape",
    "header",
    "link",
    "markdown",
    "section",
    "tmd",
]

log = logging.getLogger(__name__)

Block = dict[str, Any]

# Slack's documented limits for the objects built here.
MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_TEXT = 2000
CHUNK = 2900


class Raw(str):
    """Text that is already mrkdwn (a link, bold markers): inserted without escaping."""

    __slots__ = ()


def escape(text: str) -> str:
    """Slack's three control characters; after this, no text can mention or link anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tmd(locale: str, key: str, **params: object) -> str:
    """A catalog text as mrkdwn: the text and its params escaped, `Raw` params kept as they are.

    `count` reaches `t` as it is, so that it can pick the singular form.
    """
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(params)}
    plural = {"count": params["count"]} if isinstance(params.get("count"), int) else {}
    text = escape(t(locale, key, **(marks | plural)))
    for name, mark in marks.items():
        value = params[name]
        text = text.replace(mark, value if isinstance(value, Raw) else escape(str(value)))
    return text


def link(url: str, label: str | None = None) -> Raw:
    if label is None:
        return Raw(f"<{escape(url)}>")
    return Raw(f"<{escape(url)}|{escape(label)}>")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str, limit: int = SECTION_TEXT) -> Block:
    # verbatim: Slack must not turn names or words like @here into mentions or links.
    return {"type": "mrkdwn", "text": clip(text, limit), "verbatim": True}


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def header(text: str) -> Block:
    return {"type": "header", "text": _plain(text, HEADER_TEXT)}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(x, CONTEXT_TEXT) for x in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": _plain(label, BUTTON_TEXT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements}


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """Split text at paragraph breaks into pieces that fit one section block."""
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for part in [paragraph[i : i + size] for i in range(0, len(paragraph), size)] or [""]:
            if current and len(current) + 2 + len(part) > size:
                pieces.append(current)
                current = part
            else:
                current = f"{current}\n\n{part}" if current else part
    if current.strip():
        pieces.append(current)
    return pieces


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*]\s+", re.MULTILINE)


def markdown(text: str) -> str:
    """Content Markdown (bold, headings, bullets) as escaped Slack mrkdwn."""
    text = escape(text.strip())
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(r"*\1*", text)
    return _HEADING.sub(r"*\1*", text)
