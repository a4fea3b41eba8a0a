"""The environment every process swarmops starts (servers, janitors, pipeline runs) begins from.

A child used to inherit our whole environment, so an `OPENAI_API_KEY` (or any secret a user keeps
in their shell) reached every pipeline component, its logs and whatever it wrote. Children now get
an allowlist of variables that make a process work (paths, locale, certificates), never anything
that looks like a credential, and each caller adds explicitly what that child needs (e.g. the
object store's credentials for a run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

#: Variables a Python or Go process needs to behave like the user's (paths, locale, CA bundles).
_ALLOWED = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "SHELL",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "AWS_CA_BUNDLE",
        "NIX_SSL_CERT_FILE",
        "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH",
        "HF_HUB_OFFLINE",
        "ORT_DISABLE_TELEMETRY",
    }
)
#: Locale and directories, and the numeric libraries' tuning (thread counts, the CPU type OpenBLAS
#: should assume): without them a training step in a run can be markedly slower than outside it.
_ALLOWED_PREFIXES = ("LC_", "XDG_", "OMP_", "OPENBLAS_", "MKL_", "KMP_", "NVPL_", "BLIS_", "GOTO_")
#: Even an allowed name is dropped when it looks like it carries a credential.
_SECRETISH = re.compile(r"(secret|password|passwd|token|api[_-]?key|access[_-]?key|credential|cookie|auth)", re.I)


def base_env(source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allowlisted part of `source` (our environment by default)."""
    source = os.environ if source is None else source
    return {
        name: value
        for name, value in source.items()
        if (name in _ALLOWED or name.startswith(_ALLOWED_PREFIXES)) and not _SECRETISH.search(name)
    }


def with_pythonpath(env: dict[str, str], root: Path) -> dict[str, str]:
    """`env` with `root` first on PYTHONPATH, so `python -m swarmops...` works from a source checkout too."""
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return env
