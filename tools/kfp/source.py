"""Turning what the user points at (a compiled spec or a .py file with @dsl.pipeline) into a spec.

People keep pipelines as Python; making them compile by hand first is a step a model would have to
explain every time. The file is imported in-process (it is the user's own code, like `python
file.py`), and every way that can go wrong becomes an error naming the file and what to change.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.base import ToolFailure, closest
from tools.kfp.spec import pipeline_name

SPEC_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class PipelineSource:
    path: Path
    docs: list[dict[str, Any]]  # the PipelineSpec, optionally followed by a platform spec
    function: str | None = None  # the Python name it was compiled from, for .py files

    @property
    def spec(self) -> dict[str, Any]:
        return self.docs[0]

    @property
    def name(self) -> str:
        return pipeline_name(self.spec) or self.path.stem

    def origin(self) -> str:
        return f"{self.path} (compiled from {self.function}())" if self.function else str(self.path)

    def write_yaml(self, directory: Path) -> Path:
        """A .yaml package the upload API accepts (it does not take .json or .py)."""
        out = directory / f"{self.path.stem}.yaml"
        out.write_text(yaml.safe_dump_all(self.docs, sort_keys=False))
        return out


def resolve_path(workdir: Path, path: str) -> Path:
    p = Path(path).expanduser()
    p = p if p.is_absolute() else workdir / p
    if p.is_file():
        return p
    parent = p.parent if p.parent.is_dir() else None
    near = closest(p.name, [c.name for c in parent.iterdir() if c.is_file()]) if parent else []
    raise ToolFailure(
        "FileNotFound",
        f"No file '{p}'." + ("" if parent else f" (The directory '{p.parent}' does not exist either.)"),
        hint="Paths are relative to the working directory "
        f"{workdir}; pass a compiled pipeline (.yaml/.json) or a .py file with a @dsl.pipeline function.",
        suggestions=[str(parent / n) for n in near] if parent else [],
    )


def load_source(workdir: Path, path: str, function: str | None = None) -> PipelineSource:
    p = resolve_path(workdir, path)
    if p.suffix == ".py":
        return _from_python(p, function)
    if p.suffix.lower() in SPEC_SUFFIXES:
        if function:
            raise ToolFailure(
                "InvalidArguments",
                f"'function' only applies to .py files; {p.name} is already compiled.",
                hint="Omit function.",
            )
        return PipelineSource(p, _read_spec(p))
    raise ToolFailure(
        "UnsupportedFile",
        f"'{p.name}' is neither a compiled pipeline (.yaml, .yml, .json) nor a Python file (.py).",
        hint="Compile the pipeline with kfp.compiler.Compiler().compile(...) or pass the .py file defining it.",
    )


def _read_spec(p: Path) -> list[dict[str, Any]]:
    try:
        docs = [d for d in yaml.safe_load_all(p.read_text()) if d is not None]
    except yaml.YAMLError as exc:
        raise ToolFailure("InvalidPipelineFile", f"{p.name} is not valid YAML/JSON: {exc}") from None
    if not docs or not isinstance(docs[0], dict) or "pipelineInfo" not in docs[0] or "root" not in docs[0]:
        raise ToolFailure(
            "NotAPipelineSpec",
            f"{p.name} is not a compiled KFP v2 pipeline (no pipelineInfo/root section).",
            hint="Compile it with kfp.compiler.Compiler().compile(pipeline_func, 'pipeline.yaml'), "
            "or pass the .py file with the @dsl.pipeline function instead.",
        )
    return [d for d in docs if isinstance(d, dict)]


def _import(p: Path) -> Any:
    module_name = "_swarmops_pipeline_" + hashlib.sha1(str(p).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(module_name, p)
    if spec is None or spec.loader is None:
        raise ToolFailure("InvalidPipelineFile", f"Cannot import {p}.")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(p.parent))  # so the file can import its sibling modules
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise ToolFailure(
            "PipelineSyntaxError",
            f"{p.name} line {exc.lineno}: {exc.msg}" + (f"\n    {exc.text.rstrip()}" if exc.text else ""),
            hint="Fix the syntax error and retry.",
        ) from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(p)]
        where = f" (line {frames[-1].lineno})" if frames else ""
        raise ToolFailure(
            "PipelineImportError",
            f"Importing {p.name} failed{where}: {type(exc).__name__}: {exc}",
            hint="The file must import cleanly with the swarmops Python environment "
            "(missing packages are installed into that environment, not per pipeline).",
        ) from None
    finally:
        sys.path.remove(str(p.parent))
    return module


def _pipelines_in(module: Any) -> dict[str, Any]:
    from kfp.dsl.graph_component import GraphComponent

    found = {k: v for k, v in vars(module).items() if isinstance(v, GraphComponent)}
    own = {k: v for k, v in found.items() if getattr(v.pipeline_func, "__module__", None) == module.__name__}
    return own or found  # prefer pipelines defined in the file over ones it imports


def _from_python(p: Path, function: str | None) -> PipelineSource:
    pipelines = _pipelines_in(_import(p))
    if not pipelines:
        raise ToolFailure(
            "NoPipelineFound",
            f"{p.name} defines no @dsl.pipeline function.",
            hint="Decorate the pipeline function with @dsl.pipeline (components alone cannot be uploaded).",
        )
    if function is None:
        if len(pipelines) > 1:
            raise ToolFailure(
                "SeveralPipelines",
                f"{p.name} defines several pipelines: {', '.join(sorted(pipelines))}.",
                hint="Pass function=<name> to pick one.",
                suggestions=sorted(pipelines),
            )
        function = next(iter(pipelines))
    chosen = pipelines.get(function)
    if chosen is None:  # also accept the pipeline's own name (e.g. 'my-pipeline' for my_pipeline)
        by_name = {c.name: k for k, c in pipelines.items()}
        function = by_name.get(function, function)
        chosen = pipelines.get(function)
    if chosen is None:
        raise ToolFailure(
            "NoPipelineFound",
            f"{p.name} has no pipeline function '{function}'. It defines: {', '.join(sorted(pipelines))}.",
            hint="Pass one of the suggested function names.",
            suggestions=closest(function, sorted(pipelines)) or sorted(pipelines),
        )
    from kfp import compiler

    with tempfile.TemporaryDirectory(prefix="swarmops-compile-") as tmp:
        out = Path(tmp) / "pipeline.yaml"
        try:
            compiler.Compiler().compile(chosen, str(out))
        except Exception as exc:
            raise ToolFailure(
                "CompileError",
                f"Compiling {function} from {p.name} failed: {type(exc).__name__}: {exc}",
                hint="Fix the pipeline definition; parameters need type annotations kfp supports "
                "(int, float, str, bool, list, dict).",
            ) from None
        return PipelineSource(p, _read_spec(out), function)
