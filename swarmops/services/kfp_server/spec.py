"""Pipeline IR handling: reading uploaded packages and checking run parameters against the spec.

Parameters are validated here, before a run is queued, because kfp.local would otherwise fail deep
inside a child process with a type error that names neither the parameter nor what was expected.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from typing import Any

import yaml

from swarmops.services.kfp_server.errors import ApiError

_TYPE_NAMES = {
    "NUMBER_INTEGER": "int",
    "NUMBER_DOUBLE": "float",
    "STRING": "str",
    "BOOLEAN": "bool",
    "LIST": "list",
    "STRUCT": "dict",
}


def _unpack(data: bytes) -> bytes:
    """The YAML/JSON document inside a .tar.gz or .zip package, or `data` itself."""
    names = (".yaml", ".yml", ".json")
    if data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            member = next((m for m in tar if m.isfile() and m.name.endswith(names)), None)
            handle = tar.extractfile(member) if member else None
            if handle is None:
                raise ValueError("the archive holds no .yaml/.json pipeline file")
            return handle.read()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name = next((n for n in archive.namelist() if n.endswith(names)), None)
            if name is None:
                raise ValueError("the archive holds no .yaml/.json pipeline file")
            return archive.read(name)
    return data


def parse_package(data: bytes) -> dict[str, Any]:
    """Return the pipeline spec (IR, camelCase) of an uploaded package; ApiError 400 if it is not one."""
    if not data.strip():
        raise ApiError.invalid("Invalid pipeline package: the uploaded file is empty")
    try:
        docs = [d for d in yaml.safe_load_all(_unpack(data)) if d is not None]
    except (yaml.YAMLError, ValueError, tarfile.TarError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise ApiError.invalid(f"Invalid pipeline package: not YAML/JSON ({str(exc).splitlines()[0]})") from None
    if not docs or not isinstance(docs[0], dict):
        raise ApiError.invalid("Invalid pipeline package: expected a compiled KFP v2 pipeline spec (a mapping)")
    return validate_spec(docs[0])


def validate_spec(spec: Any) -> dict[str, Any]:
    """Check the fields the executor relies on; accepts the {pipeline_spec, platform_spec} wrapper too."""
    if isinstance(spec, dict) and "pipelineInfo" not in spec and isinstance(spec.get("pipeline_spec"), dict):
        spec = spec["pipeline_spec"]
    if not isinstance(spec, dict):
        raise ApiError.invalid("Invalid pipeline spec: expected a JSON object")
    missing = [k for k in ("pipelineInfo", "root", "components", "deploymentSpec") if k not in spec]
    if "components" in missing and "executorLabel" in spec.get("root", {}):
        missing.remove("components")  # a single component compiled on its own
    if missing:
        hint = " (KFP v1 / Argo workflows are not supported)" if spec.get("kind") == "Workflow" else ""
        raise ApiError.invalid(
            f"Invalid pipeline spec: not a compiled KFP v2 pipeline, missing {', '.join(missing)}{hint}. "
            "Compile it with kfp.compiler.Compiler().compile(...)."
        )
    if not isinstance(spec["pipelineInfo"], dict) or not spec["pipelineInfo"].get("name"):
        raise ApiError.invalid("Invalid pipeline spec: pipelineInfo.name is missing")
    return spec


def pipeline_name(spec: dict[str, Any]) -> str:
    return str(spec.get("pipelineInfo", {}).get("name") or "pipeline")


def input_definitions(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return spec.get("root", {}).get("inputDefinitions", {}).get("parameters", {}) or {}


def describe_inputs(spec: dict[str, Any]) -> str:
    """One line per input, as a person would write the call: `n: int = 5`, `bucket: str (required)`."""
    parts = []
    for name, definition in input_definitions(spec).items():
        kind = _TYPE_NAMES.get(definition.get("parameterType", ""), definition.get("parameterType", "?"))
        if "defaultValue" in definition:
            parts.append(f"{name}: {kind} = {json.dumps(definition['defaultValue'])}")
        elif definition.get("isOptional"):
            parts.append(f"{name}: {kind} (optional)")
        else:
            parts.append(f"{name}: {kind} (required)")
    return ", ".join(parts) or "(none)"


def coerce_value(value: Any, kind: str) -> Any:
    """`value` as `kind`, accepting the string forms a CLI or an LLM tends to send; ValueError otherwise."""
    if kind == "NUMBER_INTEGER":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return int(value.strip())
        raise ValueError
    if kind == "NUMBER_DOUBLE":
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            return float(value.strip())
        raise ValueError
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ValueError
    if kind == "STRING":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ValueError
    if kind in ("LIST", "STRUCT"):
        want = list if kind == "LIST" else dict
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, want):
            raise ValueError
        return value
    return value


def coerce_parameters(spec: dict[str, Any], params: dict[str, Any] | None) -> dict[str, Any]:
    """Parameters checked and converted to the spec's root input types; ApiError 400 listing all problems."""
    definitions = input_definitions(spec)
    params = params or {}
    problems: list[str] = []
    coerced: dict[str, Any] = {}
    for name, value in params.items():
        definition = definitions.get(name)
        if definition is None:
            problems.append(f"unknown parameter {name!r}")
            continue
        kind = definition.get("parameterType", "")
        try:
            coerced[name] = coerce_value(value, kind)
        except (ValueError, TypeError):
            problems.append(f"parameter {name!r} must be {_TYPE_NAMES.get(kind, kind)}, got {json.dumps(value)}")
    for name, definition in definitions.items():
        if name not in params and "defaultValue" not in definition and not definition.get("isOptional"):
            problems.append(f"missing required parameter {name!r}")
    if problems:
        raise ApiError.invalid(
            f"Invalid parameters for pipeline {pipeline_name(spec)!r}: {'; '.join(problems)}. "
            f"Expected inputs: {describe_inputs(spec)}"
        )
    return coerced


def with_defaults(spec: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """`params` plus the spec's defaults for inputs not given (kfp.local's pipeline runner doesn't apply them)."""
    full = dict(params)
    for name, definition in input_definitions(spec).items():
        if name not in full and "defaultValue" in definition:
            full[name] = coerce_value(definition["defaultValue"], definition.get("parameterType", ""))
    return full
