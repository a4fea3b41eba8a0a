"""The `swarmops` command, run as a user would, against a real S3 server on loopback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import raw_client

ROOT = Path(__file__).resolve().parents[2]


def empty_config(tmp_path: Path) -> str:
    """An empty config file: isolates a run from the developer's own config (SWARMOPS_CONFIG must exist)."""
    config = tmp_path / "empty-config.toml"
    config.touch()
    return str(config)


def cli_env(tmp_path: Path, endpoint: str, **env: str) -> dict[str, str]:
    """The environment of a `swarmops` process on its own data dir, talking to the S3 server at `endpoint`."""
    return {
        **os.environ,
        "SWARMOPS_DATA_DIR": str(tmp_path / "data"),
        "SWARMOPS_S3_ENDPOINT": endpoint,
        "SWARMOPS_S3_ACCESS_KEY": "testing",
        "SWARMOPS_S3_SECRET_KEY": "testing-secret-key",
        "SWARMOPS_CONFIG": empty_config(tmp_path),
        "COLUMNS": "200",
        **env,
    }


def swarmops(args: list[str], tmp_path: Path, endpoint: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = cli_env(tmp_path, endpoint, **env)
    return subprocess.run(
        [sys.executable, "-m", "swarmops.cli", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_ask_json_streams_typed_events_and_yes_approves(tmp_path: Path, s3_endpoint: str) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    out = swarmops(
        ["ask", "--yes", "--json", "create a bucket called demo-data and upload README.md into it"],
        tmp_path,
        s3_endpoint,
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "handoff" and kinds[-1] == "turn_done"
    assert [e["tool"] for e in events if e["type"] == "tool_call"] == ["create_bucket", "upload"]
    assert all(e["approved"] for e in events if e["type"] == "approval_result")
    assert raw_client(s3_endpoint).stat_object("demo-data", "README.md").size == 6
    audit = (tmp_path / "data" / "audit.jsonl").read_text()
    assert "create_bucket" in audit and "testing-secret-key" not in audit


def test_ask_without_a_terminal_rejects_changes_instead_of_running_them(tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(["ask", "create a bucket called never-made"], tmp_path, s3_endpoint)
    assert out.returncode == 0, out.stderr
    assert "approval needed" in out.stdout and "rejected" in out.stdout
    assert not raw_client(s3_endpoint).bucket_exists("never-made")


def test_ask_shows_tool_calls_and_results(tmp_path: Path, s3_endpoint: str) -> None:
    client = raw_client(s3_endpoint)
    client.make_bucket("demo-data")
    out = swarmops(["ask", "what is in demo-data?"], tmp_path, s3_endpoint)
    assert out.returncode == 0, out.stderr
    assert "storage.list_objects" in out.stdout and "s3://demo-data/ is empty" in out.stdout


def test_read_only_flag_hides_mutating_tools(tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(["ask", "--read-only", "--yes", "--json", "create a bucket called ro-bucket"], tmp_path, s3_endpoint)
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert not [e for e in events if e["type"] == "approval_request"]
    assert not raw_client(s3_endpoint).bucket_exists("ro-bucket")


def test_thread_continues_and_can_be_listed_renamed_deleted(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("models")
    assert swarmops(["ask", "--thread", "work", "list objects in models"], tmp_path, s3_endpoint).returncode == 0
    follow = swarmops(["ask", "--thread", "work", "--json", "what's in it?"], tmp_path, s3_endpoint)
    calls = [json.loads(x) for x in follow.stdout.splitlines() if '"tool_call"' in x]
    assert calls and calls[0]["args"]["bucket"] == "models"
    listed = swarmops(["threads", "list"], tmp_path, s3_endpoint)
    assert "work" in listed.stdout and "list objects in models" in listed.stdout
    assert swarmops(["threads", "rename", "work", "Model audit"], tmp_path, s3_endpoint).returncode == 0
    assert "Model audit" in swarmops(["threads", "list"], tmp_path, s3_endpoint).stdout
    assert swarmops(["threads", "rename", "nope", "x"], tmp_path, s3_endpoint).returncode == 1
    assert swarmops(["threads", "delete", "work"], tmp_path, s3_endpoint).returncode == 0
    assert "work" not in swarmops(["threads", "list"], tmp_path, s3_endpoint).stdout


def test_doctor_reports_health_with_secrets_masked(tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(["doctor"], tmp_path, s3_endpoint, OPENAI_API_KEY="")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "offline planner" in out.stdout and "object storage" in out.stdout and "ok" in out.stdout
    assert "kubeflow pipelines" in out.stdout and "swarmops-embedded" in out.stdout
    assert "testing-secret-key" not in out.stdout


def test_doctor_fails_clearly_when_storage_is_down(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = swarmops(["doctor"], tmp_path, f"127.0.0.1:{port}")
    assert out.returncode == 1 and "failing" in out.stdout


def test_done_when_iris_accuracy_on_fully_embedded_backends(tmp_path: Path) -> None:
    """No endpoint configured at all: SeaweedFS and the KFP API start on first use and stop after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWARMOPS_S3")}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "swarmops.cli",
            "ask",
            "--yes",
            "--json",
            "run the iris pipeline with 50 trees and tell me its accuracy",
        ],
        cwd=tmp_path,
        env={**env, "SWARMOPS_DATA_DIR": str(tmp_path / "data"), "SWARMOPS_CONFIG": empty_config(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    events = [json.loads(line) for line in out.stdout.splitlines()]
    tools = [e["tool"] for e in events if e["type"] == "tool_call"]
    assert tools == ["get_pipeline", "submit_run", "wait_for_run", "preview_object"]
    waited = next(e for e in events if e["type"] == "tool_result" and e["tool"] == "wait_for_run")
    assert waited["data"]["state"] == "SUCCEEDED"
    metrics = json.loads(
        next(e for e in events if e["type"] == "tool_result" and e["tool"] == "preview_object")["data"]["text"]
    )
    assert f"accuracy is {metrics['accuracy']}" in events[-1]["final_text"]
    # Both embedded services were stopped when the command exited.
    import time

    time.sleep(1)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "data") not in ps


def test_index_command_reports_and_is_incremental(tmp_path: Path, s3_endpoint: str) -> None:
    docs = tmp_path / "team"
    docs.mkdir()
    (docs / "oncall.md").write_text("# On-call\n\n## Paging\n\nPage the ML platform team through the #mlops channel.\n")
    (docs / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    env = {"SWARMOPS_RAG_MODE": "dense"}
    first = swarmops(["index", "team"], tmp_path, s3_endpoint, **env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "added" in first.stdout and "oncall.md" in first.stdout and "skipped" in first.stdout
    second = swarmops(["index", "team"], tmp_path, s3_endpoint, **env)
    rows = dict(re.findall(r"│ (added|updated|removed|unchanged|chunks written)\s*│ (\d+)", second.stdout))
    assert second.returncode == 0 and rows == {
        "added": "0",
        "updated": "0",
        "removed": "0",
        "unchanged": "1",
        "chunks written": "0",
    }
    missing = swarmops(["index", "nope"], tmp_path, s3_endpoint, **env)
    assert missing.returncode == 2 and "nope" in missing.stdout and "Nothing was changed" in missing.stdout


# --- exit codes and messages ---------------------------------------------------------------------
def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("text", ["", "   "])
def test_ask_refuses_an_empty_message_before_opening_anything(tmp_path: Path, text: str) -> None:
    out = swarmops(["ask", text], tmp_path, "127.0.0.1:9")
    assert out.returncode == 2
    assert "error:" in out.stderr and "empty" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "data").exists()  # no store, thread or backend was opened


def test_ask_exits_1_when_the_backend_is_down(tmp_path: Path) -> None:
    endpoint = f"127.0.0.1:{_closed_port()}"
    out = swarmops(["ask", "list my buckets"], tmp_path, endpoint)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Cannot reach the object store" in out.stdout
    as_json = swarmops(["ask", "--json", "list my buckets"], tmp_path, endpoint)
    assert as_json.returncode == 1
    done = json.loads(as_json.stdout.splitlines()[-1])
    assert done["type"] == "turn_done" and endpoint in done["error"] and "connection refused" in done["error"]


def test_a_malformed_config_file_is_one_line_naming_file_and_line(tmp_path: Path, s3_endpoint: str) -> None:
    config = tmp_path / "broken.toml"
    config.write_text('model = "gpt-4o-mini"\nread_only = yes please\n')
    for command in (["ask", "list my buckets"], ["doctor"], ["threads", "list"]):
        out = swarmops(command, tmp_path, s3_endpoint, SWARMOPS_CONFIG=str(config))
        assert out.returncode == 2, (command, out.stdout + out.stderr)
        assert str(config) in out.stderr and "line 2, column" in out.stderr
        assert "Traceback" not in out.stderr + out.stdout


def test_swarmops_config_naming_a_missing_file_is_an_error(tmp_path: Path, s3_endpoint: str) -> None:
    missing = tmp_path / "tpyo.toml"
    out = swarmops(["ask", "list my buckets"], tmp_path, s3_endpoint, SWARMOPS_CONFIG=str(missing))
    assert out.returncode == 2
    assert f"SWARMOPS_CONFIG points to {missing}, which does not exist" in " ".join(out.stderr.split())
    assert "Traceback" not in out.stderr


def test_an_invalid_setting_names_the_variable(tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(["ask", "list my buckets"], tmp_path, s3_endpoint, SWARMOPS_STEP_BUDGET="0")
    assert out.returncode == 2
    assert "step_budget" in out.stderr and "SWARMOPS_STEP_BUDGET" in out.stderr and "Traceback" not in out.stderr


def test_s3_endpoint_given_as_a_url_works(tmp_path: Path, s3_endpoint: str) -> None:
    raw_client(s3_endpoint).make_bucket("from-a-url")
    out = swarmops(["ask", "--json", "list my buckets"], tmp_path, f"http://{s3_endpoint}/")
    assert out.returncode == 0, out.stdout + out.stderr
    results = [json.loads(x) for x in out.stdout.splitlines() if '"tool_result"' in x]
    assert [b["name"] for b in results[0]["data"]["buckets"]] == ["from-a-url"]


def test_s3_endpoint_with_a_path_is_explained(tmp_path: Path) -> None:
    out = swarmops(["ask", "list my buckets"], tmp_path, "http://127.0.0.1:9000/minio")
    assert out.returncode == 2
    err = " ".join(out.stderr.split())
    assert "SWARMOPS_S3_ENDPOINT" in err and "host:port" in err and "without a path" in err
    assert "not allowed" not in err
