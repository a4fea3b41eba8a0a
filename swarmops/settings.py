"""All configuration in one place: environment variables, then an optional TOML file, then defaults.

Environment names are `SWARMOPS_<FIELD>` (e.g. `SWARMOPS_S3_ENDPOINT`), plus the conventional
`OPENAI_API_KEY` / `OPENAI_BASE_URL`. The TOML file is `$SWARMOPS_CONFIG` or
`<user config dir>/swarmops/config.toml`, with the same field names as keys.

Anything wrong with the configuration raises `ConfigError`, whose message is meant for a person:
it names the file and line (a malformed TOML file), or the setting, where its value came from
and what is wrong with it. Front ends print it as it is, never as a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_config_dir, user_data_dir
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class ConfigError(ValueError):
    """The configuration cannot be used. The message says where (file and line, or the variable) and
    what is wrong, in words a person can act on."""


def default_config_file() -> Path:
    return Path(os.environ.get("SWARMOPS_CONFIG") or Path(user_config_dir("swarmops")) / "config.toml")


def _config_file() -> Path:
    """The TOML file to read. The default one is optional; one named by SWARMOPS_CONFIG must exist,
    since a mistyped path would otherwise silently run with none of the intended settings."""
    path = default_config_file()
    if os.environ.get("SWARMOPS_CONFIG"):
        if not path.exists():
            raise ConfigError(f"SWARMOPS_CONFIG points to {path}, which does not exist")
        if not path.is_file():
            raise ConfigError(f"SWARMOPS_CONFIG points to {path}, which is not a file")
    return path


_SECRET_WORDS = re.compile(r"secret|key|token|password|cookie", re.I)


def _line_text(line: str) -> str:
    """A config line fit to show: the value of a secret-looking key is hidden."""
    name, eq, _ = line.partition("=")
    return f"{name.strip()} = ****" if eq and _SECRET_WORDS.search(name) else line.strip()


class _CheckedToml(TomlConfigSettingsSource):
    """The TOML source, with read and syntax errors turned into ConfigError naming file, line and column."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        try:
            return super()._read_file(file_path)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_problem(Path(str(file_path)), exc)) from None
        except OSError as exc:
            raise ConfigError(f"cannot read the config file {file_path}: {exc.strerror or exc}") from None


def _toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    where = re.search(r"\(at line (\d+), column (\d+)\)", text)
    problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text) or "invalid TOML"
    if where is None:
        return f"the config file {path} is not valid TOML: {problem}"
    line = int(where.group(1))
    shown = ""
    try:
        lines = path.read_text(errors="replace").splitlines()
        if 0 < line <= len(lines):
            shown = f"\n  {line} | {_line_text(lines[line - 1])}"
    except OSError:
        pass
    return f"the config file {path} is not valid TOML: line {line}, column {where.group(2)}: {problem}{shown}"


def parse_s3_endpoint(value: str) -> tuple[str, bool | None]:
    """`host:port` from what a person may write, and whether the scheme asks for TLS (None: no scheme).

    The MinIO/S3 client talks to a server's root and takes `host:port`; an `http://` or `https://`
    URL of that root is accepted too. A path (`http://host:9000/minio`) cannot work, because S3
    puts bucket names where the path goes, so it is refused with that reason.
    """
    raw = value.strip()
    secure: bool | None = None
    if "://" in raw:
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https"):
            raise ValueError(
                f"the S3 endpoint {raw!r} starts with {parts.scheme}://; write host:port, "
                "or http://host:port (plain) or https://host:port (TLS)"
            )
        if parts.username or parts.password:
            raise ValueError("the S3 endpoint must not contain credentials; set s3_access_key and s3_secret_key")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(
                f"the S3 endpoint is host:port, without a path: {raw!r} has {parts.path!r} after the host. "
                "S3 puts bucket names where the path goes, so a server cannot be reached under a path"
            )
        secure = parts.scheme == "https"
        raw = parts.netloc
    raw = raw.rstrip("/")
    if not raw or "/" in raw:
        raise ValueError(
            f"the S3 endpoint is host:port (e.g. minio.internal:9000), without a path: got {value!r}. "
            "S3 puts bucket names where the path goes, so a server cannot be reached under a path"
        )
    return raw, secure


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
    llm_timeout: float = Field(
        120.0, gt=0, description="Seconds before one whole model request (including a long answer) is abandoned."
    )
    llm_connect_timeout: float = Field(
        5.0, gt=0, description="Seconds to wait for the model endpoint to accept a connection."
    )
    llm_first_token_timeout: float = Field(
        30.0, gt=0, description="Seconds of silence (before the first token or between tokens) before giving up."
    )
    llm_max_retries: int = Field(2, ge=0, le=10, description="Retries of a model call that failed transiently.")
    temperature: float = 0.0

    # --- object storage ----------------------------------------------------------------------
    s3_endpoint: str | None = Field(
        None, description="host:port (or http(s)://host:port) of MinIO/S3; unset starts SeaweedFS."
    )
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
    embedded_idle_timeout: float = Field(
        300.0,
        ge=0,
        description="Seconds the embedded object store and KFP API stay up with no client and no run in "
        "flight (so the next command starts at once); 0 stops them as soon as nothing needs them.",
    )
    read_only: bool = False
    step_budget: int = Field(8, ge=1, le=50, description="Tool rounds a specialist may take per handoff.")
    fast_routing: bool = Field(
        True, description="Route clear-cut requests by nearest examples, without a model call (the swarm)."
    )
    max_handoffs: int = Field(6, ge=1, le=20, description="Handoffs the router may make in one turn.")

    database_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host:port/db: threads, checkpoints and decided approvals in "
        "PostgreSQL, shared by every swarmops process that uses it; unset: SQLite in the data dir.",
    )
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Port for /metrics, /healthz and /readyz of `swarmops slack`/`mcp`."
    )
    metrics_host: str = Field("127.0.0.1", description="Address that port listens on (0.0.0.0 in a container).")
    mcp_token: SecretStr | None = Field(
        None, description="The bearer token `swarmops mcp --http` requires of every client."
    )
    mcp_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names clients may reach `swarmops mcp --http` by, besides loopback (comma-separated; "
        "e.g. the cluster Service name). Others are refused (DNS-rebinding protection).",
    )

    # --- Slack (`swarmops slack`) -------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SWARMOPS_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN", "slack_bot_token"),
        description="The bot token (xoxb-...) of the Slack app.",
    )
    slack_app_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SWARMOPS_SLACK_APP_TOKEN", "SLACK_APP_TOKEN", "slack_app_token"),
        description="An app-level token (xapp-...) with connections:write: Socket Mode.",
    )
    slack_signing_secret: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SWARMOPS_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET", "slack_signing_secret"),
        description="The app's signing secret: HTTP mode (every request's signature is verified).",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/", description="The Slack Web API (another for GovSlack or a proxy)."
    )
    slack_allowed_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Channel ids the bot answers in (comma-separated)."
    )
    slack_allowed_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="User ids the bot answers (comma-separated)."
    )
    slack_allowed_teams: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Workspace (team) ids the bot answers in; empty: any."
    )
    slack_approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="User ids who may decide any approval (besides whoever asked)."
    )
    slack_allow_everyone: bool = Field(
        False, description="Answer every user in every channel the bot is in (no allowlist)."
    )

    @field_validator(
        "slack_bot_token", "slack_app_token", "slack_signing_secret", "mcp_token", "database_url", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "slack_allowed_channels",
        "slack_allowed_users",
        "slack_allowed_teams",
        "slack_approvers",
        "mcp_allowed_hosts",
        mode="before",
    )
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError(_explain(exc, type(self), values)) from None

    @field_validator("s3_endpoint")
    @classmethod
    def _s3_endpoint_form(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_s3_endpoint(value)  # refuses what cannot work, with the reason
        return value.strip()

    @model_validator(mode="after")
    def _s3_endpoint_scheme(self) -> Settings:
        """An http(s):// endpoint becomes host:port; its scheme sets s3_secure unless that is set too.

        An explicit s3_secure that contradicts the scheme is an error rather than a silent choice:
        one of the two is a mistake, and only the person knows which.
        """
        if self.s3_endpoint:
            host, secure = parse_s3_endpoint(self.s3_endpoint)
            if secure is not None:
                if "s3_secure" in self.model_fields_set and self.s3_secure != secure:
                    raise ValueError(
                        f"s3_endpoint {self.s3_endpoint!r} says {'https (TLS)' if secure else 'http (no TLS)'} "
                        f"but s3_secure is {str(self.s3_secure).lower()}; drop one of them"
                    )
                self.s3_secure = secure
            self.s3_endpoint = host
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = _CheckedToml(settings_cls, toml_file=_config_file())
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
        for value in (
            self.openai_api_key,
            self.s3_secret_key,
            self.kfp_token,
            self.kfp_cookies,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.mcp_token,
            self.database_url,
        ):
            if value is not None and value.get_secret_value():
                out.append(value.get_secret_value())
        password = urlsplit(self.database_url.get_secret_value()).password if self.database_url else None
        return out + ([password] if password else [])

    def public_view(self) -> dict[str, Any]:
        """Resolved settings for display: secrets masked, paths as strings."""
        from tools.masking import mask_value

        view: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                view[name] = mask_value(value.get_secret_value()) if value.get_secret_value() else None
            else:
                view[name] = str(value) if isinstance(value, Path) else value
        view["config_file"] = str(default_config_file())
        return view


# --- explaining invalid values -------------------------------------------------------------------
def _env_names(name: str, field: Any) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [c for c in alias.choices if isinstance(c, str) and c.isupper()]
    return [f"SWARMOPS_{name.upper()}"]


def _field_for(key: str, settings_cls: type[BaseSettings]) -> str | None:
    for name, field in settings_cls.model_fields.items():
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else []
        if key == name or key in choices:
            return name
    return None


def _source(name: str, settings_cls: type[BaseSettings], given: dict[str, Any]) -> str:
    """Where the bad value of setting `name` came from: code, an environment variable, or the file."""
    field = settings_cls.model_fields[name]
    if name in given:
        return "passed to Settings()"
    environ = {k.upper(): v for k, v in os.environ.items()}
    for env in _env_names(name, field):
        if env in environ:
            shown = "****" if _SECRET_WORDS.search(name) else repr(environ[env])
            return f"from {env}={shown}"
    path = default_config_file()
    try:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if re.match(rf"\s*[\"']?{re.escape(name)}[\"']?\s*=", line):
                return f"in {path}, line {number}"
    except OSError:
        pass
    return f"in {path}"


def _explain(exc: ValidationError, settings_cls: type[BaseSettings], given: dict[str, Any]) -> str:
    problems = []
    for err in exc.errors():
        msg = re.sub(r"^(Value|Assertion) error, ", "", err.get("msg", "invalid"))
        key = str(err["loc"][0]) if err.get("loc") else ""
        name = _field_for(key, settings_cls)
        if name is None:  # a check across settings (e.g. s3_endpoint against s3_secure)
            problems.append(msg)
        else:
            problems.append(f"setting {name} ({_source(name, settings_cls, given)}): {msg}")
    if len(problems) == 1:
        return f"invalid configuration: {problems[0]}"
    return "invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems)
