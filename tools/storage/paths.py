"""Local path handling for upload/download, including the guard against path traversal.

Object keys are attacker-controlled text as far as the local disk is concerned: anyone who can
write to a bucket can name an object 'a/../../.bashrc' or '/etc/cron.d/x'. Every download
destination is therefore derived through `safe_destination`, which refuses rather than repairs.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from tools.base import ToolFailure, closest

#: Directory entries considered for "did you mean" on a missing local path.
_LISTDIR_CAP = 5000


def resolve_local(raw: str, workdir: Path) -> Path:
    """User paths are relative to the session's workdir, not the process's cwd."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else workdir / path


def local_not_found(raw: str, workdir: Path) -> ToolFailure:
    """LocalPathNotFound with the closest entries of the deepest directory that does exist."""
    shown = Path(raw).expanduser()
    missing = shown
    ancestor = shown.parent
    for candidate in [shown, *shown.parents]:
        if resolve_local(str(candidate), workdir).exists():
            ancestor = candidate
            break
        missing = candidate
    base = resolve_local(str(ancestor), workdir)
    try:
        names = sorted(os.listdir(base))[:_LISTDIR_CAP] if base.is_dir() else []
    except OSError:
        names = []
    suggestions = [str(ancestor / name) for name in closest(missing.name, names)]
    return ToolFailure(
        "LocalPathNotFound",
        f"Local path '{raw}' does not exist (looked at {resolve_local(raw, workdir)}).",
        hint=f"Relative paths are resolved against {workdir}."
        + (" Retry with one of the suggested paths." if suggestions else ""),
        suggestions=suggestions,
    )


def unsafe_key(key: str, why: str) -> ToolFailure:
    return ToolFailure(
        "UnsafeKey",
        f"Refusing to download object '{key}': {why}. Nothing was written.",
        hint="Download a prefix that excludes this key, or copy it to a clean key first "
        "(copy_object) and download that.",
    )


def key_problem(rel: str) -> str | None:
    """Why a key-derived relative path could escape its directory, or None if it cannot."""
    if not rel or rel in (".", ".."):
        return "it does not name a file"
    if "\x00" in rel:
        return "it contains a NUL byte"
    if rel.startswith(("/", "\\")) or PurePosixPath(rel).is_absolute():
        return "it is an absolute path"
    if ".." in rel.replace("\\", "/").split("/"):
        return "it contains a '..' path segment"
    return None


def safe_destination(base: Path, rel: str, key: str) -> Path:
    """`base/rel`, guaranteed to stay strictly inside `base` even through existing symlinks."""
    problem = key_problem(rel)
    if problem:
        raise unsafe_key(key, problem)
    root = base.resolve()
    dest = (root / rel).resolve()
    if dest == root or not dest.is_relative_to(root):
        raise unsafe_key(key, f"it would be written outside {root}")
    return dest
