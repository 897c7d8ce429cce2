"""Errors that carry a catalogue key, so the UI and the CLI can say them in the UI language."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error the user can fix. `key` names a catalogue message; `args` fill it in."""

    def __init__(self, key: str, **args):
        self.key = key
        self.args_ = args
        super().__init__(f"{key}: {args}")

    def message(self, lang: str = "ja") -> str:
        from .i18n import t

        return t(self.key, lang, **self.args_)


class QueryError(WorkbenchError):
    """A query or one of its parameters is wrong."""


class DatasetError(WorkbenchError):
    """A dataset cannot be found or read."""
