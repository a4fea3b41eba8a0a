"""The same graph on an OpenAI-compatible endpoint (a scripted server on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmops.model import make_chat_model
from swarmops.settings import Settings
from tests.helpers import assistant_for, of_type, raw_client, run_turn
from tests.plugins.openai_stub import OpenAIStub
from tests.swarmops.test_cli import empty_config, swarmops


@pytest.fixture
def endpoint_settings(openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.setenv("SWARMOPS_CONFIG", empty_config(tmp_path))
    monkeypatch.setenv("OPENAI_BASE_URL", openai_stub.url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-stub-key-0123456789")
    monkeypatch.setenv("SWARMOPS_MODEL", "stub-model")
    return Settings()


async def test_turn_through_langchain_openai(
    endpoint_settings: Settings, openai_stub: OpenAIStub, tmp_path: Path, s3_endpoint: str
) -> None:
    raw_client(s3_endpoint).make_bucket("alpha")
    openai_stub.call("transfer_to_storage", task="list the buckets")
    openai_stub.call("list_buckets")
    openai_stub.say("You have one bucket: alpha.")
    model = make_chat_model(endpoint_settings)
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint, secrets=endpoint_settings.secret_values()) as a:
        events = await run_turn(a, "t", "what buckets do I have?")
    assert [e.tool for e in of_type(events, "tool_call")] == ["list_buckets"]
    assert of_type(events, "tool_result")[0].data["buckets"][0]["name"] == "alpha"
    assert len(of_type(events, "text")) > 3  # streamed token by token
    done = events[-1]
    assert done.final_text == "You have one bucket: alpha."
    assert (done.llm_calls, done.input_tokens, done.output_tokens) == (3, 33, 21)  # the answer ends the turn
    router, specialist = openai_stub.requests[0], openai_stub.requests[1]
    assert router["parallel_tool_calls"] is False and router["model"] == "stub-model"
    assert [t["function"]["name"] for t in router["tools"]] == ["transfer_to_storage"]
    assert "list_buckets" in [t["function"]["name"] for t in specialist["tools"]]
    assert router["_auth"] == "Bearer sk-stub-key-0123456789"
    # The specialist's tool result reached the model as a tool message.
    tool_msgs = [m for m in openai_stub.requests[2]["messages"] if m["role"] == "tool"]
    assert tool_msgs and '"alpha"' in tool_msgs[-1]["content"]


async def test_endpoint_errors_are_reported_not_fatal(
    endpoint_settings: Settings, openai_stub: OpenAIStub, tmp_path: Path, s3_endpoint: str
) -> None:
    endpoint_settings.llm_max_retries = 0
    model = make_chat_model(endpoint_settings)  # the script is empty: the server answers 500
    async with assistant_for(tmp_path, model, endpoint=s3_endpoint) as a:
        events = await run_turn(a, "t", "hello")
        openai_stub.say("Hi there.")
        after = await run_turn(a, "t", "hello again")
    assert of_type(events, "error") and events[-1].type == "turn_done"
    assert after[-1].final_text == "Hi there."


def test_doctor_checks_the_endpoint(openai_stub: OpenAIStub, tmp_path: Path, s3_endpoint: str) -> None:
    out = swarmops(
        ["doctor"],
        tmp_path,
        s3_endpoint,
        OPENAI_BASE_URL=openai_stub.url,
        OPENAI_API_KEY="sk-doctor-secret-999",
        SWARMOPS_MODEL="stub-model",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "listed" in out.stdout and "NOT listed" not in out.stdout
    assert "sk-doctor-secret-999" not in out.stdout
