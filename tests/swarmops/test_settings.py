"""Settings resolve from env over TOML over defaults, and never show secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmops.settings import ConfigError, Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SWARMOPS_S3_ENDPOINT", "SWARMOPS_MODEL", "SWARMOPS_READ_ONLY"):
        monkeypatch.delenv(var, raising=False)
    config = tmp_path / "config.toml"
    config.touch()  # SWARMOPS_CONFIG must name a file that exists
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


# --- configuration errors are explained, not dumped ------------------------------------------------
def test_a_malformed_config_file_names_the_file_line_and_column(clean_env: Path) -> None:
    clean_env.write_text('s3_endpoint = "minio:9000"\nstep_budget = three\n')
    with pytest.raises(ConfigError) as info:
        Settings()
    message = str(info.value)
    assert str(clean_env) in message and "line 2, column 15" in message and "not valid TOML" in message
    assert "step_budget = three" in message  # the offending line, shown


def test_a_malformed_line_holding_a_secret_is_not_echoed(clean_env: Path) -> None:
    clean_env.write_text("s3_secret_key = hunter2-secret\n")
    with pytest.raises(ConfigError) as info:
        Settings()
    assert "line 1" in str(info.value) and "hunter2-secret" not in str(info.value)


def test_swarmops_config_pointing_to_a_missing_file_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("SWARMOPS_CONFIG", str(missing))
    with pytest.raises(ConfigError, match=f"SWARMOPS_CONFIG points to {missing}, which does not exist"):
        Settings()


def test_the_default_config_file_is_optional(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SWARMOPS_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing-here"))
    assert Settings().step_budget == 8


def test_an_invalid_value_names_the_setting_and_where_it_came_from(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWARMOPS_LLM_TIMEOUT", "soon")
    with pytest.raises(ConfigError) as from_env:
        Settings()
    assert "setting llm_timeout (from SWARMOPS_LLM_TIMEOUT='soon')" in str(from_env.value)
    monkeypatch.delenv("SWARMOPS_LLM_TIMEOUT")
    clean_env.write_text('model = "m"\n\nmax_handoffs = 99\n')
    with pytest.raises(ConfigError) as from_file:
        Settings()
    assert f"setting max_handoffs (in {clean_env}, line 3)" in str(from_file.value)
    assert "less than or equal to 20" in str(from_file.value)


@pytest.mark.parametrize(
    ("given", "endpoint", "secure"),
    [
        ("minio.local:9000", "minio.local:9000", False),
        ("http://minio.local:9000", "minio.local:9000", False),
        ("http://127.0.0.1:9000/", "127.0.0.1:9000", False),
        ("https://s3.example.com", "s3.example.com", True),
        ("https://s3.example.com:8443/", "s3.example.com:8443", True),
    ],
)
def test_s3_endpoint_may_be_a_url_whose_scheme_sets_tls(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, given: str, endpoint: str, secure: bool
) -> None:
    monkeypatch.setenv("SWARMOPS_S3_ENDPOINT", given)
    s = Settings()
    assert (s.s3_endpoint, s.s3_secure) == (endpoint, secure)


@pytest.mark.parametrize(
    ("given", "explained"),
    [
        ("http://minio.local:9000/minio", "without a path"),
        ("minio.local:9000/bucket", "without a path"),
        ("ftp://minio.local:9000", "starts with ftp://"),
        ("http://user:pw@minio.local:9000", "must not contain credentials"),
    ],
)
def test_s3_endpoints_that_cannot_work_are_explained(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, given: str, explained: str
) -> None:
    monkeypatch.setenv("SWARMOPS_S3_ENDPOINT", given)
    with pytest.raises(ConfigError) as info:
        Settings()
    assert explained in str(info.value) and "SWARMOPS_S3_ENDPOINT" in str(info.value)
    assert "not allowed" not in str(info.value)


def test_a_scheme_contradicting_s3_secure_is_an_error(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWARMOPS_S3_ENDPOINT", "https://minio.local:9000")
    monkeypatch.setenv("SWARMOPS_S3_SECURE", "false")
    with pytest.raises(ConfigError, match="says https .* but s3_secure is false"):
        Settings()
    monkeypatch.setenv("SWARMOPS_S3_SECURE", "true")
    assert Settings().s3_secure
