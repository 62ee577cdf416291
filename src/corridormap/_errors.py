"""The one error type for bad data: it lists every problem, not just the first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file: where it is and what was expected."""

    source: str  # file name or layer key
    problem: str  # what is wrong, in words
    feature: str | None = None  # feature id (or index) when the problem is in one feature
    field: str | None = None  # property name, or "geometry"
    expected: str | None = None
    got: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.feature is not None:
            where += f", feature {self.feature}"
        if self.field is not None:
            where += f", {self.field}"
        text = f"{where}: {self.problem}"
        if self.expected is not None:
            text += f" (expected {self.expected}"
            text += f", got {self.got})" if self.got is not None else ")"
        return text


class DataValidationError(ValueError):
    """Raised when a layer or a user file fails validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("DataValidationError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[DataValidationError], tuple[list[Problem]]]:
        # Keep the problems when pickled (Streamlit's cache pickles return values).
        return (type(self), (list(self.problems),))

    def render(self, limit: int = 50) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found:"
        lines = [f"  - {p}" for p in self.problems[:limit]]
        if n > limit:
            lines.append(f"  ... and {n - limit} more")
        return "\n".join([head, *lines])
