"""Markdown of the registry for docs/reference/object-models.md (``hub.docsgen`` writes it; a test keeps it current)."""

from __future__ import annotations

from mapping.objectmodels.registry import ObjectModel, Registry


def held_text(model: ObjectModel) -> str:
    """How a model is held, in one line: ``opportunity where is_won = true``, an engine, or a custom object."""
    if model.held_as == "entity":
        where = " and ".join(f"{k} {'in' if isinstance(v, tuple) else '='} {_value(v)}" for k, v in model.where.items())
        return f"entity `{model.entity}`" + (f" where {where}" if where else "")
    if model.held_as == "computed" and model.computed_by is not None:
        engine = model.computed_by
        state = {"planned": f"planned, issue {engine.issue}",
                 "needs_data": f"needs data: {engine.needs}"}.get(engine.status, engine.output)
        return f"computed by `{engine.engine}` ({state})"
    return "custom object — map it in config"


def markdown(registry: Registry) -> str:
    lines = ["| code | name | aliases | held as | modules |", "|---|---|---|---|---|"]
    for model in registry:
        name = f"{model.name} ({model.long_name})" if model.long_name else model.name
        aliases = ", ".join(model.aliases)
        lines.append(f"| `{model.code}` | {_cell(name)} | {_cell(aliases)} | {_cell(held_text(model))} "
                     f"| {len(model.modules)}: {', '.join(model.modules)} |")
    lines += ["", "| module | name | # models | models |", "|---|---|---|---|"]
    for module in registry.modules.values():
        lines.append(f"| `{module.code}` | {_cell(module.name)} | {len(module.object_models)} | "
                     f"{', '.join(module.model_codes)} |")
    return "\n".join(lines) + "\n"


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
