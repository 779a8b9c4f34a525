"""Read ``modules.yaml`` and ``models/*.yaml``, check them against each other and the canonical model, resolve them.

Every problem is collected and reported together, each naming its file, so one run of the tests lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mapping.model import ENTITIES
from mapping.objectmodels.errors import ObjectModelError
from mapping.objectmodels.registry import ModelField, Module, ObjectModel, Registry
from mapping.objectmodels.schema import ModelFile, ModulesFile, Scalar
from mapping.objectmodels.vocabularies import VOCABULARIES

PACKAGE = "mapping.objectmodels"
PLACE = "mapping/objectmodels"  # how problems name the files

T = TypeVar("T", bound=BaseModel)

_ACCEPTS: Mapping[str, tuple[type, ...]] = {
    "string": (str,), "text": (str,), "ref": (str,), "date": (str,), "datetime": (str,),
    "integer": (int,), "number": (int, float), "boolean": (bool,),
}


def load_registry(root: Traversable | None = None, *,
                  entities: Mapping[str, Mapping[str, str]] = ENTITIES) -> Registry:
    """The registry of the files under ``root`` (default: the shipped ones), checked against ``entities``."""
    root = root or resources.files(PACKAGE)
    modules = _parse(ModulesFile, root.joinpath("modules.yaml"), f"{PLACE}/modules.yaml")
    files, problems, broken = _read_models(root.joinpath("models"))
    problems += _cross_problems(files, modules, entities, broken)
    if problems:
        raise ObjectModelError("the object-model registry is invalid:\n  " + "\n  ".join(problems))
    return _resolve(files, modules, entities)


def _read_models(folder: Traversable) -> tuple[dict[str, tuple[str, ModelFile]], list[str], set[str]]:
    """(code -> (file, model), problems, codes of the files that did not parse: their absence is no news)."""
    files: dict[str, tuple[str, ModelFile]] = {}
    problems: list[str] = []
    broken: set[str] = set()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        where = f"{PLACE}/models/{path.name}"
        try:
            model = _parse(ModelFile, path, where)
        except ObjectModelError as exc:
            problems.append(str(exc))
            broken.add(path.name.removesuffix(".yaml").upper())
            continue
        if path.name != f"{model.code.lower()}.yaml":
            problems.append(f"{where}: holds {model.code}; name the file {model.code.lower()}.yaml")
        files[model.code] = (where, model)
    return files, problems, broken


def _parse(kind: type[T], path: Traversable, where: str) -> T:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ObjectModelError(f"{where}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise ObjectModelError(f"{where}: cannot be read: {exc}") from None
    try:
        return kind.model_validate(raw)
    except ValidationError as exc:
        raise ObjectModelError(f"{where}: " + "; ".join(map(_detail, exc.errors()))) from None


def _detail(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    loc = ".".join(map(str, error["loc"]))
    return f"{loc}: {message}" if loc else message


def _cross_problems(files: Mapping[str, tuple[str, ModelFile]], modules: ModulesFile,
                    entities: Mapping[str, Mapping[str, str]], broken: set[str]) -> list[str]:
    problems = []
    for where, model in files.values():
        problems += [f"{where}: {p}" for p in _model_problems(model, set(files) | broken, entities)]
    problems += _name_problems(files.values())
    problems += _module_problems(modules, files, broken)
    return problems


def _model_problems(model: ModelFile, codes: set[str],
                    entities: Mapping[str, Mapping[str, str]]) -> list[str]:
    problems = []
    if model.entity is not None and model.entity not in entities:
        return [f"entity {model.entity!r} is not a canonical entity; entities: {', '.join(entities)}"]
    kinds = dict(entities[model.entity]) if model.entity else {f.name: f.type for f in model.fields}
    for name, value in model.where.items():
        problems += _where_problems(model.entity or "", kinds, name, value)
    problems += [f"required: {name!r} is not a field of {model.entity}" for name in model.required
                 if name not in kinds]
    for relation in model.relations:
        if relation.target not in codes:
            problems.append(f"relation {relation.name!r}: no model {relation.target!r}")
        if relation.via is not None and kinds.get(relation.via) != "ref":
            problems.append(f"relation {relation.name!r}: via {relation.via!r} is not a ref field of {model.code}")
    return problems


def _where_problems(entity: str, kinds: Mapping[str, str], name: str, value: Scalar | list[Scalar]) -> list[str]:
    if name not in kinds:
        return [f"where: {name!r} is not a field of {entity}; fields: {', '.join(kinds)}"]
    values = value if isinstance(value, list) else [value]
    accepts = _ACCEPTS[kinds[name]]
    problems = [f"where.{name}: {v!r} is not a {kinds[name]}" for v in values
                if not isinstance(v, accepts) or (isinstance(v, bool) and bool not in accepts)]
    known = VOCABULARIES.get((entity, name))
    if known:
        problems += [f"where.{name}: {v!r} is not one of {', '.join(known)}" for v in values if v not in known]
    return problems


def _name_problems(files: Iterable[tuple[str, ModelFile]]) -> list[str]:
    """A name or alias must mean one model: two models claiming one name would split the seed's memberships."""
    seen: dict[str, str] = {}
    problems = []
    for where, model in files:
        for name in dict.fromkeys((model.name, *model.aliases)):
            key = " ".join(name.split()).casefold()
            if key in seen:
                problems.append(f"{where}: the name {name!r} is already {seen[key]}")
            seen[key] = f"{model.code}'s ({where})"
    return problems


def _module_problems(modules: ModulesFile, files: Mapping[str, Any], broken: set[str]) -> list[str]:
    where = f"{PLACE}/modules.yaml"
    problems = []
    codes = [module.code for module in modules.modules]
    problems += [f"{where}: module {c} is listed twice" for c in sorted({c for c in codes if codes.count(c) > 1})]
    used: set[str] = set()
    for module in modules.modules:
        problems += [f"{where}: {module.code} lists {c}, which no models/*.yaml defines" for c in module.models
                     if c not in files and c not in broken]
        problems += [f"{where}: {module.code} lists {c} twice" for c in _twice(module.models)]
        used |= set(module.models)
    problems += [f"{files[c][0]}: no module lists {c}" for c in files if c not in used]
    return problems


def _twice(items: Sequence[str]) -> list[str]:
    return sorted({item for item in items if items.count(item) > 1})


def _resolve(files: Mapping[str, tuple[str, ModelFile]], modules: ModulesFile,
             entities: Mapping[str, Mapping[str, str]]) -> Registry:
    memberships = {code: tuple(m.code for m in modules.modules if code in m.models) for code in files}
    models = {code: _model(spec, entities, memberships[code]) for code, (_, spec) in files.items()}
    resolved = {m.code: Module(code=m.code, name=m.name, description=m.description, value_chains=m.value_chains,
                               object_models=tuple(models[c] for c in m.models)) for m in modules.modules}
    return Registry(models=models, modules=resolved)


def _model(spec: ModelFile, entities: Mapping[str, Mapping[str, str]], modules: tuple[str, ...]) -> ObjectModel:
    if spec.entity is not None:
        fields = tuple(ModelField(name=name, type=kind, required=name in spec.required)  # type: ignore[arg-type]
                       for name, kind in entities[spec.entity].items())
    else:
        fields = tuple(ModelField(**f.model_dump()) for f in spec.fields)
    where = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.where.items()}
    return ObjectModel(code=spec.code, name=spec.name, long_name=spec.long_name, aliases=spec.aliases,
                       description=spec.description, held_as=spec.held_as, entity=spec.entity, where=where,
                       fields=fields, relations=spec.relations, sources=spec.sources, computed_by=spec.computed_by,
                       caveat=spec.caveat, modules=modules)
