"""Files and directories only their owner can read: everything under the data directory.

The data directory holds conversations (which may quote anything a person pasted), the audit log,
the embedded store's credentials and every run's logs. Directories are 0700 and files 0600 from
the moment they exist, never chmod-ed afterwards, so there is no window in which another local user
could open them. Children we start (servers, pipeline runs) get a 077 umask for the same reason.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Literal

PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """`path` as a directory only we can enter; parents it had to create are private too (existing
    ones, such as /tmp or the user's home, are left alone)."""
    for missing in reversed([p for p in (path, *path.parents) if not p.exists()]):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            missing.mkdir(mode=0o700)
        os.chmod(missing, 0o700)  # mkdir's mode is narrowed by the umask, never widened
    os.chmod(path, 0o700)  # it may have existed with a looser mode (older versions, a user's mkdir)
    return path


def touch_private(path: Path) -> Path:
    """Create `path` empty as 0600 if missing; tighten it if it exists (SQLite copies this mode to its -wal/-shm)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def open_private(path: Path, mode: Literal["a", "ab"] = "a") -> IO[str] | IO[bytes]:
    """Open for appending, creating the file as 0600 (a log, the audit trail)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8")
