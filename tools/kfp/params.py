"""Checking run parameters against a pipeline's declared inputs before anything is submitted.

The KFP API accepts almost anything and the run then fails minutes later inside a pod (or, worse,
succeeds with a string where a number was meant). Models often send numbers as strings ("50"), so
lossless conversions are applied; everything else is rejected with the full list of inputs.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tools.base import ToolFailure, closest
from tools.kfp.spec import InputSpec

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class _Reject(ValueError):
    pass


def _to_int(v: Any) -> int:
    if isinstance(v, bool):
        raise _Reject("a boolean is not an integer")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        raise _Reject(f"{v!r} has a fractional part")
    if isinstance(v, str):
        text = v.strip().replace("_", "")
        try:
            return int(text)
        except ValueError:
            try:
                f = float(text)
            except ValueError:
                raise _Reject(f"{v!r} is not a number") from None
            if f.is_integer():
                return int(f)
            raise _Reject(f"{v!r} has a fractional part") from None
    raise _Reject(f"expected an integer, got {type(v).__name__}")


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise _Reject("a boolean is not a number")
    if isinstance(v, int | float):
        f = float(v)
    elif isinstance(v, str):
        try:
            f = float(v.strip())
        except ValueError:
            raise _Reject(f"{v!r} is not a number") from None
    else:
        raise _Reject(f"expected a number, got {type(v).__name__}")
    if not math.isfinite(f):
        raise _Reject(f"{v!r} is not a finite number")
    return f


def _to_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    raise _Reject(f"expected a string, got {type(v).__name__}")


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    raise _Reject(f"expected true or false, got {v!r}")


def _to_json(kind: type) -> Any:
    def convert(v: Any) -> Any:
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                raise _Reject(f"expected a {kind.__name__} (or its JSON text), got {v!r}") from None
        if not isinstance(v, kind):
            raise _Reject(f"expected a {kind.__name__}, got {type(v).__name__}")
        return v

    return convert


_CONVERT = {"int": _to_int, "float": _to_float, "str": _to_str, "bool": _to_bool, "list": _to_json(list)}
_CONVERT["dict"] = _to_json(dict)


def expected_inputs(declared: list[InputSpec]) -> str:
    return "; ".join(i.describe() for i in declared) or "(none: the pipeline takes no parameters)"


def validate_parameters(given: dict[str, Any], declared: list[InputSpec], pipeline: str) -> dict[str, Any]:
    """The full parameter set to submit (defaults filled in), or InvalidParameters listing every problem.

    A None value means "use the default"; it is an error only for a required input.
    """
    by_name = {i.name: i for i in declared}
    problems: list[str] = []
    suggestions: list[str] = []
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = by_name.get(name)
        if spec is None:
            near = closest(name, list(by_name)) or closest(name.lower(), [n.lower() for n in by_name])
            suggestions.extend(n for n in near if n not in suggestions)
            problems.append(f"unknown parameter '{name}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
            continue
        if value is None:
            continue
        if spec.type.startswith("artifact:"):
            problems.append(f"'{name}' is an input artifact ({spec.type}); it cannot be passed as a parameter")
            continue
        convert = _CONVERT.get(spec.type)
        try:
            values[name] = convert(value) if convert else value
        except _Reject as why:
            problems.append(f"'{name}' must be {spec.type}: {why}")
    for spec in declared:
        if spec.name in values:
            continue
        if spec.required:
            problems.append(f"missing required parameter '{spec.name}' ({spec.type})")
        elif spec.default is not None and not spec.type.startswith("artifact:"):
            values[spec.name] = spec.default
    if problems:
        raise ToolFailure(
            "InvalidParameters",
            f"Parameters for pipeline '{pipeline}' are invalid: " + "; ".join(problems) + ". Nothing was submitted.",
            hint=f"Expected inputs: {expected_inputs(declared)}.",
            suggestions=suggestions,
        )
    order = [i.name for i in declared]
    return {k: values[k] for k in order if k in values}
