"""Settings resolve from env over TOML over defaults, and never show secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmops.settings import Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SWARMOPS_S3_ENDPOINT", "SWARMOPS_MODEL", "SWARMOPS_READ_ONLY"):
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("SWARMOPS_CONFIG", str(config))
    return config


def test_defaults_use_the_offline_planner_and_embedded_store(clean_env: Path) -> None:
    s = Settings()
    assert not s.uses_endpoint and s.model_label == "offline planner"
    assert s.uses_embedded_s3 and not s.read_only


def test_toml_file_is_read_and_env_wins(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env.write_text('s3_endpoint = "minio.local:9000"\ns3_secret_key = "toml-secret-value"\nstep_budget = 3\n')
    s = Settings()
    assert s.s3_endpoint == "minio.local:9000" and s.step_budget == 3 and not s.uses_embedded_s3
    monkeypatch.setenv("SWARMOPS_S3_ENDPOINT", "other:9000")
    assert Settings().s3_endpoint == "other:9000"


def test_openai_variables_switch_to_the_endpoint(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    s = Settings()
    assert s.uses_endpoint and "127.0.0.1:11434" in s.model_label
    monkeypatch.setenv("SWARMOPS_MODEL_PROVIDER", "offline")
    assert not Settings().uses_endpoint


def test_public_view_masks_secrets(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abcdefghijklmnop")
    monkeypatch.setenv("SWARMOPS_S3_SECRET_KEY", "minio-secret-123456")
    view = Settings().public_view()
    dumped = repr(view)
    assert "sk-abcdefghijklmnop" not in dumped and "minio-secret-123456" not in dumped
    assert view["openai_api_key"].startswith("sk-") and view["s3_secret_key"] != "minio-secret-123456"


def test_invalid_values_are_rejected(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWARMOPS_STEP_BUDGET", "0")
    with pytest.raises(ValueError, match="step_budget"):
        Settings()
