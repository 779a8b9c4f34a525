"""The config package's error: every problem found in a config file (or the environment), each at its key path.

``ConfigFileError`` is a ``ConfigError`` (the one base meaning "a person must fix the configuration", from
``errors``), so a caller's ``except ConfigError`` catches a bad file and a bad setting found later alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from errors import ConfigError

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with the configuration.

    ``path`` is the dotted key path (``connections.hubspot_main.auth.token``, list indices as ``[0]``);
    an empty path means the document as a whole (a YAML syntax error, an empty or missing file).
    ``message`` never holds a secret. A ``warning`` does not stop the config from loading (a literal secret in
    the file works, but should not be there); ``crmhub config check`` shows it and still exits 0.
    """

    path: str
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigFileError(ConfigError):
    """The configuration cannot be used; ``problems`` lists every reason found, not only the first."""

    def __init__(self, problems: Sequence[ConfigProblem], *, source: str | None = None) -> None:
        self.problems: list[ConfigProblem] = list(problems)
        self.source = source
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def __repr__(self) -> str:
        return f"ConfigFileError(problems={self.problems!r}, source={self.source!r})"

    def __reduce__(self) -> tuple[type[ConfigFileError], tuple[list[ConfigProblem]], dict[str, str | None]]:
        # Exceptions pickle as cls(*args); ours must come back with its problems, e.g. from a Celery worker.
        return type(self), (self.problems,), {"source": self.source}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when one of ``choices`` is close to ``word``, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def quoted_list(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
