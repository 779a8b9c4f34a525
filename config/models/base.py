"""The base of every config model, and how cross-field checks report problems at precise key paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

# The error type the translator recognises: its message is ours and already safe to show.
PROBLEM_ERROR_TYPE = "config_problem"

Loc = tuple[str | int, ...]


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must not silently fall back to a default); models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problems_error(title: str, problems: Sequence[tuple[Loc, str]]) -> ValidationError:
    """A ValidationError with one error per (location relative to the model, message).

    Raised from an ``after`` model validator so that a cross-field check points at the offending key
    (``mapping.contcts``) instead of at the whole model, and reports all its findings at once.
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(PROBLEM_ERROR_TYPE, "{message}", {"message": message}),
                loc=loc,
                input=None,
            )
            for loc, message in problems
        ],
    )


def extra_values(model: type[BaseModel]) -> Any:
    """The type of the values a model keeps under keys of the admin's choosing (typed ``__pydantic_extra__``, such as
    the entities of ``quality:``), or None when its keys are only its fields."""
    extra = get_type_hints(model).get("__pydantic_extra__")
    args = get_args(extra)
    return args[1] if len(args) == 2 else None
