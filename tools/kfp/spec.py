"""Reading a compiled pipeline spec (KFP IR): its inputs, tasks and Metrics / ClassificationMetrics outputs.

Parameter validation, the approval preview and compare_runs all need to know what a pipeline
declares; the spec is the only place that says it, in protobuf-JSON (camelCase) form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: IR parameter types (v2 names, plus the v1-era ones older specs carry) -> Python type names.
PARAM_TYPES = {
    "NUMBER_INTEGER": "int",
    "INTEGER": "int",
    "INT": "int",
    "NUMBER_DOUBLE": "float",
    "DOUBLE": "float",
    "STRING": "str",
    "BOOLEAN": "bool",
    "LIST": "list",
    "STRUCT": "dict",
}
METRICS_SCHEMAS = {"system.Metrics"}
CLASSIFICATION_SCHEMAS = {"system.ClassificationMetrics"}


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    default: Any
    required: bool
    description: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "type": self.type, "default": self.default, "required": self.required}
        if self.description:
            out["description"] = self.description
        return out

    def describe(self) -> str:
        """'n_estimators: int = 100' / 'key: str (required)' for error hints and previews."""
        return f"{self.name}: {self.type}" + (" (required)" if self.required else f" = {self.default!r}")


def unwrap(spec: Any) -> dict[str, Any]:
    """The PipelineSpec itself; uploads with a platform spec nest it under 'pipeline_spec'."""
    if not isinstance(spec, dict):
        return {}
    if "pipelineInfo" not in spec and isinstance(spec.get("pipeline_spec"), dict):
        return spec["pipeline_spec"]
    return spec


def pipeline_name(spec: Any) -> str | None:
    return (unwrap(spec).get("pipelineInfo") or {}).get("name")


def _typed_default(type_name: str, value: Any) -> Any:
    # protobuf-JSON writes every number as a double: an int input's default 1 arrives as 1.0
    if type_name == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def inputs(spec: Any) -> list[InputSpec]:
    """The pipeline's own inputs (the root DAG's), in declaration order."""
    root = unwrap(spec).get("root") or {}
    definitions = root.get("inputDefinitions") or {}
    out: list[InputSpec] = []
    for name, p in (definitions.get("parameters") or {}).items():
        raw_type = p.get("parameterType") or p.get("type") or "STRING"
        if raw_type == "TASK_FINAL_STATUS":  # filled in by the backend for exit handlers
            continue
        type_name = PARAM_TYPES.get(str(raw_type).upper(), str(raw_type).lower())
        has_default = "defaultValue" in p
        default = _typed_default(type_name, p.get("defaultValue")) if has_default else None
        required = not (has_default or p.get("isOptional"))
        out.append(InputSpec(name, type_name, default, required, p.get("description")))
    for name, a in (definitions.get("artifacts") or {}).items():
        schema = ((a.get("artifactType") or {}).get("schemaTitle")) or "artifact"
        out.append(InputSpec(name, f"artifact:{schema}", None, not a.get("isOptional"), a.get("description")))
    return out


def _components(spec: dict[str, Any]) -> dict[str, Any]:
    return spec.get("components") or {}


def tasks(spec: Any) -> list[dict[str, Any]]:
    """Top-level tasks: name, component, dependencies and container image (where known)."""
    spec = unwrap(spec)
    executors = ((spec.get("deploymentSpec") or {}).get("executors")) or {}
    out = []
    for key, task in (((spec.get("root") or {}).get("dag") or {}).get("tasks") or {}).items():
        comp_name = (task.get("componentRef") or {}).get("name", "")
        comp = _components(spec).get(comp_name) or {}
        container = (executors.get(comp.get("executorLabel", "")) or {}).get("container") or {}
        entry: dict[str, Any] = {
            "name": (task.get("taskInfo") or {}).get("name") or key,
            "component": comp_name.removeprefix("comp-"),
            "depends_on": task.get("dependentTasks") or [],
        }
        if container.get("image"):
            entry["image"] = container["image"]
        if "dag" in comp:
            entry["kind"] = "sub-pipeline"
        out.append(entry)
    return _in_run_order(out)


def _in_run_order(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dependencies before dependents (specs list tasks alphabetically), otherwise stable."""
    by_key = {e["name"]: e for e in entries}
    done: dict[str, dict[str, Any]] = {}

    def visit(entry: dict[str, Any], path: tuple[str, ...] = ()) -> None:
        if entry["name"] in done or entry["name"] in path:
            return
        for dep in entry["depends_on"]:
            if dep in by_key:
                visit(by_key[dep], (*path, entry["name"]))
        done[entry["name"]] = entry

    for entry in entries:
        visit(entry)
    return list(done.values())


def outputs_of_schema(spec: Any, schemas: set[str]) -> list[tuple[str, str]]:
    """(task name, artifact name) of every top-level task output whose schema title is in `schemas`."""
    spec = unwrap(spec)
    out = []
    for key, task in (((spec.get("root") or {}).get("dag") or {}).get("tasks") or {}).items():
        comp = _components(spec).get((task.get("componentRef") or {}).get("name", "")) or {}
        artifacts = ((comp.get("outputDefinitions") or {}).get("artifacts")) or {}
        for art_name, art in artifacts.items():
            if ((art.get("artifactType") or {}).get("schemaTitle")) in schemas:
                out.append(((task.get("taskInfo") or {}).get("name") or key, art_name))
    return out


def is_feature_importance(artifact_name: str) -> bool:
    """A Metrics artifact that holds one importance per input feature, by the name pipelines give it.

    KFP has no schema for feature importances; pipelines log them as a Metrics artifact (one metric
    per feature), so only the name tells them from scores like accuracy, which they must not mix with.
    """
    return "importance" in artifact_name.lower()


def metrics_outputs(spec: Any) -> list[tuple[str, str]]:
    """(task name, artifact name) of every top-level system.Metrics output that holds scores."""
    return [o for o in outputs_of_schema(spec, METRICS_SCHEMAS) if not is_feature_importance(o[1])]


def feature_importance_outputs(spec: Any) -> list[tuple[str, str]]:
    """(task name, artifact name) of the system.Metrics outputs that hold feature importances."""
    return [o for o in outputs_of_schema(spec, METRICS_SCHEMAS) if is_feature_importance(o[1])]


def classification_outputs(spec: Any) -> list[tuple[str, str]]:
    """(task name, artifact name) of every top-level system.ClassificationMetrics output."""
    return outputs_of_schema(spec, CLASSIFICATION_SCHEMAS)
