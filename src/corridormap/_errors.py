"""The one error type for bad data: it lists every problem, not just the first.

A problem's words are in the language in force where it is made (``corridormap.i18n``: English
unless a session or a command chose another); the values in it (file names, properties, values
from the file) are put in as they are, never translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

from corridormap import i18n
from corridormap.i18n import _, ngettext


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
            where = _("{where}, feature {feature}").format(where=where, feature=self.feature)
        if self.field is not None:
            where += f", {self.field}"
        text = f"{where}: {self.problem}"
        if self.expected is not None and self.got is not None:
            text = _("{text} (expected {expected}, got {got})").format(
                text=text, expected=self.expected, got=self.got
            )
        elif self.expected is not None:
            text = _("{text} (expected {expected})").format(text=text, expected=self.expected)
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
        head = ngettext("{n} problem found:", "{n} problems found:", n).format(n=n)
        lines = [f"  - {p}" for p in self.problems[:limit]]
        if n > limit:
            lines.append("  " + _("... and {n} more").format(n=n - limit))
        return "\n".join([head, *lines])


def count(n: int) -> str:
    """A whole number in a message, as the language writes it ("20,000", "20.000")."""
    if i18n.current() == i18n.DEFAULT:
        return f"{n:,}"
    return i18n.number_text(n, decimals=0)


def fixed(value: float, decimals: int = 1, *, grouped: bool = False) -> str:
    """A number with exactly ``decimals`` decimals, as the language writes it ("2.0", "2,0"),
    its thousands ``grouped`` or not ("3,072.0", "3072.0")."""
    code = i18n.current()
    if code == i18n.DEFAULT:
        return f"{value:{',' if grouped else ''}.{decimals}f}"
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=code))


def limit(value: float) -> str:
    """A limit in a message: a setting's value as ``{:g}`` writes it ("20", "7.5"), with the
    language's decimal sign."""
    text = f"{value:g}"
    if i18n.current() == i18n.DEFAULT or "e" in text:
        return text
    return i18n.number_text(value, decimals=6)
