"""Shared test setup: isolate every test run from the user's real config and data."""

from __future__ import annotations

import os

pytest_plugins = [
    "tests.plugins.moto_s3",
    "tests.plugins.seaweed",
    "tests.plugins.openai_stub",
    "tests.plugins.silent_server",
    "tests.plugins.knowledge",
    "tests.plugins.kfp",
    "tests.plugins.slack_fake",
    "tests.plugins.postgres",
]

# Never let a developer's endpoint or key leak into tests: tests choose their models explicitly.
for _var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SWARMOPS_CONFIG"):
    os.environ.pop(_var, None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Embedded servers stop as soon as nothing needs them (the default lingers 5 minutes for the next
# command): tests start many on their own data dirs and must not leave them running.
os.environ.setdefault("SWARMOPS_EMBEDDED_IDLE_TIMEOUT", "0")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
