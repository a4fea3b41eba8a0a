"""`swarmops doctor` reports each failure in words a person can act on, never an exception repr."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from swarmops.backends import Backends
from swarmops.doctor import Check, check_kfp, check_model, check_storage, run_check
from swarmops.settings import Settings
from tests.plugins.openai_stub import OpenAIStub
from tests.plugins.silent_server import SilentServer, closed_port
from tests.swarmops.test_cli import empty_config, swarmops
from tools.masking import Masker

#: What a raw exception leaking into the report looks like.
REPRS = ("MaxRetryError", "HTTPConnectionPool", "NewConnectionError", "ConnectError", "object at 0x", "Traceback")


def _checks(settings: Settings) -> dict[str, Check]:
    masker = Masker(settings.secret_values())
    with Backends(settings) as backends:
        return {
            "model": run_check("model", lambda: check_model(settings), masker),
            "storage": run_check("object storage", lambda: check_storage(backends), masker),
            "kfp": run_check("kubeflow pipelines", lambda: check_kfp(settings, backends), masker),
        }


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: object) -> Settings:
    monkeypatch.setenv("SWARMOPS_CONFIG", empty_config(tmp_path))
    return Settings(data_dir=tmp_path / "data", s3_access_key="k", s3_secret_key="doctor-secret-key", **values)


def test_closed_ports_read_as_connection_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s3, kfp, model = closed_port(), closed_port(), closed_port()
    settings = _settings(
        monkeypatch,
        tmp_path,
        s3_endpoint=f"127.0.0.1:{s3}",
        kfp_host=f"http://127.0.0.1:{kfp}",
        openai_base_url=f"http://127.0.0.1:{model}/v1",
    )
    checks = _checks(settings)
    assert not any(c.ok for c in checks.values())
    assert checks["model"].detail == f"cannot connect to http://127.0.0.1:{model}/v1 (connection refused)"
    assert checks["storage"].detail == f"Cannot reach the object store at 127.0.0.1:{s3} (connection refused)."
    assert checks["kfp"].detail == f"Cannot reach the KFP API at http://127.0.0.1:{kfp} (connection refused)."
    for check in checks.values():
        assert not any(r in check.detail for r in REPRS), check.detail


def test_hung_ports_read_as_no_answer_within_seconds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, silent_server: SilentServer
) -> None:
    hung = silent_server.address
    settings = _settings(
        monkeypatch,
        tmp_path,
        s3_endpoint=hung,
        kfp_host=f"http://{hung}",
        kfp_timeout=2,
        openai_base_url=f"http://{hung}/v1",
    )
    start = time.monotonic()
    checks = _checks(settings)
    assert time.monotonic() - start < 40  # 5 s model probe + 10 s S3 read + 2 s KFP: seconds, not minutes
    assert checks["model"].detail == f"no answer from http://{hung}/v1 within 5 s"
    assert checks["storage"].detail == (
        f"Cannot reach the object store at {hung} "
        "(it accepted the connection but did not answer in time: timed out after 10 s)."
    )
    assert checks["kfp"].detail == (
        f"Cannot reach the KFP API at http://{hung} (it accepted the connection but did not answer in time: "
        "timed out after 2 s)."
    )


def test_a_rejected_key_is_named_as_such(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    openai_stub.models_status = 401
    key = "sk-rejected-0123456789"
    settings = _settings(monkeypatch, tmp_path, openai_base_url=openai_stub.url, openai_api_key=key)
    check = run_check("model", lambda: check_model(settings), Masker(settings.secret_values()))
    assert not check.ok
    assert check.detail == (
        f"HTTP 401 Unauthorized from {openai_stub.url}: the endpoint rejected the API key; check OPENAI_API_KEY"
    )
    assert key not in check.detail


def test_a_kfp_api_refusing_the_token_points_at_the_token_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refuse(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = json.dumps({"error": "token expired", "code": 16, "message": "token expired"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        settings = _settings(monkeypatch, tmp_path, kfp_host=host, kfp_token="kfp-token-0123456789")
        with Backends(settings) as backends:
            check = run_check("kfp", lambda: check_kfp(settings, backends), Masker(settings.secret_values()))
    finally:
        server.shutdown()
        server.server_close()
    assert not check.ok
    assert check.detail.startswith(f"The KFP API at {host} refused the request (HTTP 401): token expired")
    assert "Check kfp_token" in check.detail and "swarmops doctor" not in check.detail
    assert "kfp-token-0123456789" not in check.detail


def test_doctor_command_prints_words_and_exits_1(tmp_path: Path) -> None:
    endpoint = f"127.0.0.1:{closed_port()}"
    out = swarmops(["doctor"], tmp_path, endpoint, SWARMOPS_KFP_HOST=f"http://127.0.0.1:{closed_port()}")
    assert out.returncode == 1
    text = " ".join(out.stdout.split())
    assert "connection refused" in text and "failing" in text
    assert not any(r in out.stdout + out.stderr for r in REPRS)
    assert "testing-secret-key" not in out.stdout
