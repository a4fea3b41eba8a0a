"""`swarmops graph`: the compiled graph drawn as Mermaid, as a user runs it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.swarmops.test_cli import swarmops


def _edges(mermaid: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^\s*(\w+) -\.?-?>\.? (\w+);", mermaid, re.M))


def test_graph_draws_every_node_and_the_routes_between_them(tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(["graph"], tmp_path, s3_endpoint, SWARMOPS_S3_ENDPOINT="")  # embedded backends by default
    assert out.returncode == 0, out.stderr
    assert out.stdout.lstrip().startswith("---") and "graph TD;" in out.stdout
    edges = _edges(out.stdout)
    # Routing without a model call (entry straight to a specialist), the model router only otherwise.
    assert {("__start__", "entry"), ("entry", "router"), ("entry", "storage"), ("router", "handoff")} <= edges
    # Specialists run tools, hand off to peers through `handoff`, and end the turn themselves.
    for name in ("storage", "pipelines", "docs"):
        assert {(name, "tools"), (name, "handoff"), (name, "__end__"), ("handoff", name)} <= edges
    assert ("router", "storage") not in edges  # the router only hands off through `handoff`
    assert not (tmp_path / "data").exists()  # drawing starts no embedded server and writes nothing


def test_graph_draws_the_flat_baseline_and_refuses_an_unknown_one(tmp_path: Path, s3_endpoint: str) -> None:
    flat = swarmops(["graph", "--architecture", "flat"], tmp_path, s3_endpoint)
    assert flat.returncode == 0, flat.stderr
    assert "router" not in _edges(flat.stdout) and _edges(flat.stdout)
    bad = swarmops(["graph", "--architecture", "mesh"], tmp_path, s3_endpoint)
    assert bad.returncode == 2 and "unknown architecture 'mesh'" in bad.stderr


def test_the_readme_shows_the_graph_as_it_is(tmp_path: Path, s3_endpoint: str) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    out = swarmops(["graph"], tmp_path, s3_endpoint)
    assert _edges(shown) == _edges(out.stdout), "README's graph is stale: paste `swarmops graph` into it"
