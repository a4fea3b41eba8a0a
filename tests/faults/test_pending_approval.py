"""Fault suite: leaving at the approval prompt, then coming back to answer.

The CLI runs as a real process on a pseudo-terminal (so it asks y/n as it does for a person) and
receives a real SIGINT at the prompt; later commands reopen the thread in new processes.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from minio.error import S3Error

from tests.helpers import raw_client
from tests.swarmops.test_cli import cli_env, swarmops

#: Run alone (`make test` runs these after the parallel run): see the marker's note in pyproject.toml.
pytestmark = pytest.mark.serial

PROMPT = b"Approve this change?"


class Terminal:
    """`swarmops ARGS` on a pseudo-terminal: read what it shows, type answers, send signals."""

    def __init__(self, args: list[str], tmp_path: Path, endpoint: str) -> None:
        self.master, slave = pty.openpty()
        env = cli_env(tmp_path, endpoint, TERM="dumb")
        argv = [sys.executable, "-m", "swarmops.cli", *args]
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=env)
        os.close(slave)
        self.seen = b""

    def read_until(self, marker: bytes, timeout: float = 60) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            assert time.monotonic() < deadline, f"never saw {marker!r}; got:\n{self.seen.decode(errors='replace')}"
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the process exited and closed the terminal
                    break
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self, timeout: float = 30) -> int:
        """The exit code, reading what the process still writes meanwhile: a terminal nobody reads
        fills up and blocks the writer, which would read as a hang."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            assert time.monotonic() < deadline, (
                f"still running after {timeout} s; showed:\n{self.seen.decode(errors='replace')}"
            )
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):
                    self.seen += os.read(self.master, 65536)
        os.close(self.master)
        return self.proc.returncode


def bucket_exists(endpoint: str, name: str) -> bool:
    try:
        return raw_client(endpoint).bucket_exists(name)
    except S3Error:
        return False


def test_ctrl_c_at_the_prompt_keeps_the_change_pending_and_a_later_yes_approves_it(
    tmp_path: Path, s3_endpoint: str
) -> None:
    """Promise: the first Ctrl+C at a y/n prompt is not swallowed (exit 130 at once); the change stays
    pending across processes, is shown again with its preview, and a typed "yes" approves it."""
    term = Terminal(["ask", "--thread", "t1", "create a bucket called later-bucket"], tmp_path, s3_endpoint)
    term.read_until(PROMPT)
    term.proc.send_signal(signal.SIGINT)
    assert term.finish(timeout=30) == 130, term.seen.decode(errors="replace")
    assert not bucket_exists(s3_endpoint, "later-bucket")

    again = swarmops(["ask", "--thread", "t1", "what was that?"], tmp_path, s3_endpoint)
    assert "later-bucket" in again.stdout and "approval needed" in again.stdout, again.stdout
    assert "yes" in again.stdout.lower() and "no" in again.stdout.lower()  # how to answer
    assert not bucket_exists(s3_endpoint, "later-bucket"), "an unclear answer must not approve"

    answered = swarmops(["ask", "--thread", "t1", "yes"], tmp_path, s3_endpoint)
    assert answered.returncode == 0, answered.stdout + answered.stderr
    assert "approved" in answered.stdout
    assert bucket_exists(s3_endpoint, "later-bucket")


def test_a_typed_no_rejects_the_pending_change_and_it_is_gone(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: "no"/"reject" typed into the thread later rejects the pending change; nothing changes,
    and a later "yes" cannot revive it."""
    term = Terminal(["ask", "--thread", "t2", "create a bucket called never-bucket"], tmp_path, s3_endpoint)
    term.read_until(PROMPT)
    term.proc.send_signal(signal.SIGINT)
    assert term.finish(timeout=30) == 130

    rejected = swarmops(["ask", "--thread", "t2", "reject"], tmp_path, s3_endpoint)
    assert "rejected" in rejected.stdout, rejected.stdout
    later = swarmops(["ask", "--thread", "t2", "yes"], tmp_path, s3_endpoint)
    assert "approval needed" not in later.stdout
    assert not bucket_exists(s3_endpoint, "never-bucket")


def test_the_prompt_reads_words_and_asks_again_on_anything_else(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: at the prompt "approve" approves, and an unclear answer is asked again, never guessed."""
    term = Terminal(["ask", "create a bucket called worded-bucket"], tmp_path, s3_endpoint)
    term.read_until(PROMPT)
    term.type("maybe later")
    term.read_until(b"yes (approve) or no (reject)")
    assert not bucket_exists(s3_endpoint, "worded-bucket")
    term.type("approve")
    assert term.finish() == 0, term.seen.decode(errors="replace")
    assert bucket_exists(s3_endpoint, "worded-bucket")


def test_reopening_a_thread_in_plain_chat_shows_the_pending_change_first(tmp_path: Path, s3_endpoint: str) -> None:
    """Promise: `chat --plain --thread` shows a pending change on opening and takes y/n for it."""
    term = Terminal(["ask", "--thread", "t3", "create a bucket called chat-bucket"], tmp_path, s3_endpoint)
    term.read_until(PROMPT)
    term.proc.send_signal(signal.SIGINT)
    assert term.finish(timeout=30) == 130

    chat = Terminal(["chat", "--plain", "--thread", "t3"], tmp_path, s3_endpoint)
    shown = chat.read_until(PROMPT)
    assert b"chat-bucket" in shown
    chat.type("y")
    chat.read_until(b"approved")
    chat.type("/quit")
    assert chat.finish() == 0
    assert bucket_exists(s3_endpoint, "chat-bucket")
