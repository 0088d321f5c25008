"""Problems found in a file, kept as English msgids plus parameters.

The plain modules cannot call Django's gettext, so they mark their texts with a no-op named
`gettext_noop` (makemessages picks that keyword up) and the Django side translates when it
renders. Placeholders are always %(name)s, never f-strings, so translators can reorder them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    return message


class Text(str):
    """A parameter that is itself a msgid (a field label): translated when the problem is."""


ROW_COLUMN = gettext_noop("Row %(row)s, column “%(column)s”: %(reason)s")
ROW_ONLY = gettext_noop("Row %(row)s: %(reason)s")


@dataclass(frozen=True)
class Problem:
    """One error or warning. `row` is the row number as a spreadsheet shows it (header = 1)."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str = ""

    def render(self, gettext: Callable[[str], str] = gettext_noop) -> str:
        params = {k: gettext(v) if isinstance(v, Text) else v for k, v in self.params.items()}
        reason = gettext(self.message) % params
        if self.row is None:
            return reason
        if self.column:
            return gettext(ROW_COLUMN) % {"row": self.row, "column": self.column, "reason": reason}
        return gettext(ROW_ONLY) % {"row": self.row, "reason": reason}

    def __str__(self) -> str:
        return self.render()


class FileRefused(Exception):
    """The file is not something we will read (too large, not a spreadsheet, a bomb...)."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.problem = Problem(message, params)
