"""All configuration in one place: environment variables, then an optional TOML file, then defaults.

Environment names are `SWARMOPS_<FIELD>` (e.g. `SWARMOPS_S3_ENDPOINT`), plus the conventional
`OPENAI_API_KEY` / `OPENAI_BASE_URL`. The TOML file is `$SWARMOPS_CONFIG` or
`<user config dir>/swarmops/config.toml`, with the same field names as keys.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def default_config_file() -> Path:
    return Path(os.environ.get("SWARMOPS_CONFIG") or Path(user_config_dir("swarmops")) / "config.toml")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SWARMOPS_", extra="ignore", populate_by_name=True)

    # --- model -----------------------------------------------------------------------------
    model_provider: Literal["auto", "openai", "offline"] = Field(
        "auto", description="auto: use the OpenAI-compatible endpoint when configured, else offline."
    )
    model: str = Field("gpt-4o-mini", description="Model name sent to the OpenAI-compatible endpoint.")
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SWARMOPS_OPENAI_API_KEY", "OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("SWARMOPS_OPENAI_BASE_URL", "OPENAI_BASE_URL", "openai_base_url")
    )
    llm_timeout: float = Field(60.0, description="Seconds before one model request is abandoned.")
    llm_max_retries: int = 2
    temperature: float = 0.0

    # --- object storage ----------------------------------------------------------------------
    s3_endpoint: str | None = Field(None, description="host:port of MinIO/S3; unset starts SeaweedFS.")
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = False
    s3_region: str | None = None

    # --- Kubeflow Pipelines ------------------------------------------------------------------
    kfp_host: str | None = Field(None, description="KFP API URL; unset starts the embedded KFP API.")
    kfp_namespace: str | None = None
    kfp_token: SecretStr | None = Field(None, description="An existing bearer token for the KFP API.")
    kfp_token_file: Path | None = Field(None, description="File holding a bearer token (re-read per client).")
    kfp_cookies: SecretStr | None = Field(None, description="Cookie header, e.g. for a Dex/OIDC session.")
    kfp_timeout: float = Field(10.0, description="Seconds before one KFP API request is abandoned.")

    # --- knowledge base (RAG) -----------------------------------------------------------------
    chroma_url: str | None = Field(None, description="Chroma server URL; unset uses a local persistent index.")
    rag_mode: Literal["dense", "hybrid"] = Field("hybrid", description="hybrid = BM25 + dense, fused (RRF).")
    rag_min_score: float = Field(
        0.35, ge=0, le=1, description="Below this relevance the docs agent says it doesn't know."
    )
    embedding_precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto", description="auto uses bf16 when the CPU has it."
    )

    # --- behaviour ----------------------------------------------------------------------------
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("swarmops")))
    read_only: bool = False
    step_budget: int = Field(8, ge=1, le=50, description="Tool rounds a specialist may take per handoff.")
    max_handoffs: int = Field(6, ge=1, le=20, description="Handoffs the router may make in one turn.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=default_config_file())
        return (init_settings, env_settings, toml, file_secret_settings)

    # --- derived ------------------------------------------------------------------------------
    @property
    def uses_endpoint(self) -> bool:
        """True when turns go to an OpenAI-compatible endpoint rather than the offline planner."""
        if self.model_provider == "offline":
            return False
        if self.model_provider == "openai":
            return True
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def model_label(self) -> str:
        return (
            f"{self.model} @ {self.openai_base_url or 'api.openai.com'}" if self.uses_endpoint else ("offline planner")
        )

    @property
    def uses_embedded_s3(self) -> bool:
        return not self.s3_endpoint

    @property
    def uses_embedded_kfp(self) -> bool:
        return not self.kfp_host

    def secret_values(self) -> list[str]:
        """Every configured secret, so output can be scrubbed of them wherever they appear."""
        out = []
        for value in (self.openai_api_key, self.s3_secret_key, self.kfp_token, self.kfp_cookies):
            if value is not None and value.get_secret_value():
                out.append(value.get_secret_value())
        return out

    def public_view(self) -> dict[str, Any]:
        """Resolved settings for display: secrets masked, paths as strings."""
        from swarmops.masking import mask_value

        view: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                view[name] = mask_value(value.get_secret_value()) if value.get_secret_value() else None
            else:
                view[name] = str(value) if isinstance(value, Path) else value
        view["config_file"] = str(default_config_file())
        return view
