"""Loading case files, failing before anything runs with the file, the line and what is wrong.

Cases are written by people, in YAML, possibly far from this repository. A bad case must be
reported the way a compiler reports a syntax error (file:line: problem), never as a traceback or
as a case that silently never matches: YAML errors carry their own marks, schema errors are mapped
back to the line of the offending node, and tool names are checked against the real tool registry
with the closest names suggested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from swarmops.evaluation.cases import Case, CaseFile
from tools.base import closest

#: Stands for every mutating tool in `not_tools`.
MUTATING = "mutating"


class CaseFileError(ValueError):
    """One or more problems in case files; the message lists each as `file:line: problem`."""


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    file: Path
    line: int


def _node_at(root: yaml.Node, loc: Sequence[int | str]) -> yaml.Node:
    """The deepest YAML node along a pydantic error location (as far as it exists)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node


def _where(path: Path, node: yaml.Node | None) -> str:
    return f"{path}:{node.start_mark.line + 1}" if node is not None else str(path)


def _schema_problems(path: Path, root: yaml.Node, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper())]  # drop union branch names
        shown = ".".join(str(p) for p in loc) or "file"
        problems.append(f"{_where(path, _node_at(root, loc))}: {shown}: {err['msg']}")
    return sorted(set(problems), key=problems.index)


def _tool_problems(path: Path, root: yaml.Node, parsed: CaseFile, known: set[str]) -> list[str]:
    problems = []
    for i, case in enumerate(parsed.cases):
        calls = case.expect.tools.calls if case.expect.tools else []
        named = [(("cases", i, "expect", "tools", "calls", j, "name"), c.name) for j, c in enumerate(calls)]
        named += [(("cases", i, "expect", "not_tools", j), n) for j, n in enumerate(case.expect.not_tools)]
        for loc, name in named:
            if name not in known and name != MUTATING:
                near = closest(name, sorted(known))
                hint = f" (closest: {', '.join(near)})" if near else ""
                problems.append(f"{_where(path, _node_at(root, loc))}: case {case.id}: unknown tool '{name}'{hint}")
    return problems


def _load_file(path: Path, known: set[str]) -> tuple[list[LoadedCase], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        return [], [f"{path}: cannot read: {exc.strerror or exc}"]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        return [], [f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]
    if root is None:
        return [], [f"{path}: empty file (expected `cases:` with a list of cases)"]
    try:
        parsed = CaseFile.model_validate(data)
    except ValidationError as exc:
        return [], _schema_problems(path, root, exc)
    problems = _tool_problems(path, root, parsed, known)
    cases = [
        LoadedCase(case, path, _node_at(root, ("cases", i)).start_mark.line + 1) for i, case in enumerate(parsed.cases)
    ]
    return cases, problems


def case_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly, or found (recursively) in named directories, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


def load_cases(paths: Iterable[Path], known_tools: set[str]) -> list[LoadedCase]:
    """Every case in `paths`; raises CaseFileError listing every problem in every file at once."""
    files = case_files(paths)
    problems: list[str] = []
    if not files:
        problems.append(f"no case files (*.yaml) in {', '.join(str(p) for p in paths) or 'the given paths'}")
    loaded: list[LoadedCase] = []
    for path in files:
        if not path.exists():
            problems.append(f"{path}: no such file or directory")
            continue
        cases, found = _load_file(path, known_tools)
        loaded += cases
        problems += found
    seen: dict[str, LoadedCase] = {}
    for item in loaded:
        first = seen.setdefault(item.case.id, item)
        if first is not item:
            problems.append(
                f"{item.file}:{item.line}: case id '{item.case.id}' already used at {first.file}:{first.line}"
            )
    if problems:
        raise CaseFileError("\n".join(problems))
    return loaded
