"""Errors that carry a catalogue key, so the UI and the CLI can say them in the UI language.

`Problem` is one kind of fault found in the data: a table that breaks the contract (loading) or a
file that cannot be imported (the importer). Loading and importing collect every problem and raise
them together (`ContractError`, `ImportFailed`), so a user fixes a file once, not once per fault.
"""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class Problem:
    """One kind of fault: where (a canonical table, or the file being imported), which column, what
    (`code`), in how many rows, and a few examples.

    A problem with a `file` was found while importing that file: its message is
    `import.problem.<code>` and its examples are (row, value) pairs. Otherwise it is a contract
    violation of `table` (`contract.<code>`, examples are values).
    """

    code: str
    table: str | None = None
    column: str | None = None
    count: int = 1
    examples: tuple = ()
    file: str | None = None
    info: str = ""

    def message(self, lang: str = "ja") -> str:
        from .i18n import t

        if self.file is None:
            return t(
                f"contract.{self.code}",
                lang,
                table=self.table or "-",
                column=self.column or "-",
                count=self.count,
                examples=", ".join(str(e) for e in self.examples) or "-",
            )
        head = t(
            f"import.problem.{self.code}",
            lang,
            file=self.file,
            column=self.column or "-",
            count=f"{self.count:,}",
            info=self.info,
        )
        lines = [head]
        for row, value in self.examples:
            lines.append("  " + t("import.example", lang, row=row if row is not None else "-", value=value))
        if self.count > len(self.examples) and self.examples:
            lines.append("  " + t("import.more", lang, count=f"{self.count - len(self.examples):,}"))
        return "\n".join(lines)


class ProblemsError(WorkbenchError):
    """Problems found together; `report()` lists every one."""

    def __init__(self, key: str, problems: list[Problem]):
        self.problems = problems
        super().__init__(key, count=len(problems))

    def report(self, lang: str = "ja") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


class ContractError(ProblemsError):
    """The dataset does not meet the contract; nothing was loaded."""

    def __init__(self, problems: list[Problem]):
        super().__init__("contract.failed", problems)


class ImportFailed(ProblemsError):
    """The import found problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("import.failed", problems)
