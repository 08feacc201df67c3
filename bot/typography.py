"""French typography for display: chat clients must never wrap ; : ! ? or » onto a line of their own."""

from __future__ import annotations

import re

__all__ = ["NARROW_NBSP", "french_spacing"]

NARROW_NBSP = "\u202f"
# Only a space an author already typed is made unbreakable: `https://`, `10:30` and `a:b` have none.
_BEFORE = re.compile(r"[ \u00a0](?=[;:!?»%])")
_AFTER = re.compile(r"(?<=«)[ \u00a0]")


def french_spacing(text: str) -> str:
    """`text` with a narrow no-break space before ; : ! ? » % and after «."""
    return _AFTER.sub(NARROW_NBSP, _BEFORE.sub(NARROW_NBSP, text))
