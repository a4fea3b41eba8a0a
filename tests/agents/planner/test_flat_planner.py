"""The offline planner as the flat agent: the same tool calls and answers as the swarm, fewer model calls.

Each request runs through both architectures on the same fresh backends (moto S3 reset between
them; the embedded KFP API and SeaweedFS for runs), and what each did is compared.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from minio import Minio

from agents.docs import docs_specialist
from agents.kfp import kfp_specialist
from agents.planner.model import OfflinePlanner
from agents.registry import Specialist
from agents.storage import storage_specialist
from swarmops.events import Event
from tests.helpers import assistant_for, of_type, raw_client, run_turn, storage_ctx
from tools.docs import DocsContext
from tools.kfp import KfpContext, make_kfp_client
from tools.storage import StorageContext, make_minio_client

ARCHITECTURES = ("swarm", "flat")
#: Makes the specialists for one architecture's run, given its working directory.
Cast = Callable[[Path], list[Specialist]]


@dataclass
class Did:
    """What one turn did, in the terms the two architectures are compared on."""

    calls: list[tuple[str, dict[str, Any]]]
    answer: str
    llm_calls: int
    handoffs: list[str]
    #: Who the tool events (calls, results, progress) were reported from.
    agents: set[str]


def _did(events: list[Event]) -> Did:
    runs = [r.data["run_id"] for r in of_type(events, "tool_result") if r.tool == "submit_run" and r.ok]

    def plain(text: str) -> str:
        """Without what differs between the two runs of a comparison: run ids, times, durations."""
        for i, run in enumerate(runs):
            text = text.replace(run, f"<run{i}>")
        text = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?", "<time>", text)
        return re.sub(r"\b\d+(\.\d+)? s\b", "<n> s", text)

    calls = [(c.tool, json.loads(plain(json.dumps(c.args)))) for c in of_type(events, "tool_call")]
    done = events[-1]
    handoffs = [h.to_agent for h in of_type(events, "handoff")]
    agents = {e.agent for e in events if e.type in {"tool_call", "tool_result", "tool_progress"}}
    return Did(calls, plain(done.final_text), done.llm_calls, handoffs, agents)


async def _converse(
    cast: Cast, root: Path, turns: list[str], setup: Callable[[Path], None], approve: bool = True
) -> dict[str, list[Did]]:
    """Every turn through each architecture, on backends `setup` puts back in the same state first."""
    out: dict[str, list[Did]] = {}
    for arch in ARCHITECTURES:
        workdir = root / arch
        workdir.mkdir()
        setup(workdir)
        async with assistant_for(workdir, OfflinePlanner(), cast(workdir), architecture=arch) as assistant:
            out[arch] = [_did(await run_turn(assistant, "t", text, decide=lambda e: approve)) for text in turns]
    for text, swarm, flat in zip(turns, out["swarm"], out["flat"], strict=True):
        print(f"\nmodel calls for {text!r}: swarm {swarm.llm_calls}, flat {flat.llm_calls}")
    return out


def _same(did: dict[str, list[Did]], *, line_order: bool = True) -> None:
    """Same tool calls, same answer; the flat agent needs one model call per tool call plus its answer.

    `line_order=False` compares the answers' lines in any order (a run's metrics artifact lists its
    values in whatever order the pipeline wrote them).
    """
    for swarm, flat in zip(did["swarm"], did["flat"], strict=True):
        assert flat.calls == swarm.calls
        if line_order:
            assert flat.answer == swarm.answer
        else:
            assert sorted(flat.answer.splitlines()) == sorted(swarm.answer.splitlines())
        assert flat.handoffs == [] and flat.agents <= {"assistant"}
        assert flat.llm_calls == len(flat.calls) + 1
        assert swarm.llm_calls >= flat.llm_calls  # equal only when the router alone answers


def _reset(s3_endpoint: str) -> None:
    req = urllib.request.Request(f"http://{s3_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(req, timeout=5).read()


@pytest.fixture
def moto_cast(s3_endpoint: str) -> Callable[[Any], Cast]:
    """All three specialists over moto S3; the KFP API is never reached in these cases."""

    def make(kb: Any = None) -> Cast:
        def cast(workdir: Path) -> list[Specialist]:
            storage = storage_ctx(s3_endpoint, workdir)
            kfp = KfpContext(client_factory=_unreachable, host="http://127.0.0.1:9", storage=storage)
            docs = DocsContext(kb_factory=(lambda: kb) if kb is not None else _unreachable, storage=storage)
            return [storage_specialist(storage), kfp_specialist(kfp), docs_specialist(docs)]

        return cast

    return make


def _unreachable() -> Any:
    raise AssertionError("this case must not reach this backend")


async def test_list_buckets(moto_cast: Callable[[Any], Cast], s3_endpoint: str, tmp_path: Path) -> None:
    def setup(_: Path) -> None:
        _reset(s3_endpoint)
        raw_client(s3_endpoint).make_bucket("alpha")

    did = await _converse(moto_cast(None), tmp_path, ["list my buckets"], setup)
    _same(did)
    assert did["flat"][0].calls == [("list_buckets", {})] and "alpha" in did["flat"][0].answer
    assert did["swarm"][0].handoffs == ["storage"]


async def test_create_upload_then_follow_ups(
    moto_cast: Callable[[Any], Cast], s3_endpoint: str, tmp_path: Path
) -> None:
    def setup(workdir: Path) -> None:
        _reset(s3_endpoint)
        (workdir / "notes.txt").write_text("some notes\n")

    turns = [
        "create a bucket called x-data and upload notes.txt into it",
        "what's in it?",
        "what is in x-data?",
        "remove notes.txt from it",
    ]
    did = await _converse(moto_cast(None), tmp_path, turns, setup)
    _same(did)
    flat = did["flat"]
    assert flat[0].calls == [
        ("create_bucket", {"bucket": "x-data"}),
        ("upload", {"local_path": "notes.txt", "bucket": "x-data"}),
    ]
    # "it" is the object just uploaded, resolved from the earlier turn as the swarm does.
    assert flat[1].calls == [("preview_object", {"bucket": "x-data", "key": "notes.txt"})]
    assert "some notes" in flat[1].answer
    assert flat[2].calls == [("list_objects", {"bucket": "x-data"})] and "notes.txt" in flat[2].answer
    assert [name for name, _ in flat[3].calls] == ["delete_objects"]
    assert not list(raw_client(s3_endpoint).list_objects("x-data"))  # the flat run removed it too


async def test_docs_question(moto_cast: Callable[[Any], Cast], builtin_kb: Any, tmp_path: Path) -> None:
    did = await _converse(moto_cast(builtin_kb), tmp_path, ["how do I turn off caching for a KFP task?"], _nothing)
    _same(did)
    flat = did["flat"][0]
    assert [name for name, _ in flat.calls] == ["search_docs"]
    assert "set_caching_options" in flat.answer and "Sources:" in flat.answer


async def test_out_of_scope_calls_no_tool(moto_cast: Callable[[Any], Cast], tmp_path: Path) -> None:
    did = await _converse(moto_cast(None), tmp_path, ["write me a poem about the sea"], _nothing)
    _same(did)
    assert did["flat"][0].calls == [] and did["swarm"][0].handoffs == []
    assert "I can help with" in did["flat"][0].answer


async def test_missing_name_gets_the_same_question(moto_cast: Callable[[Any], Cast], tmp_path: Path) -> None:
    did = await _converse(moto_cast(None), tmp_path, ["create a bucket"], _nothing)
    _same(did)
    assert did["flat"][0].calls == [] and "?" in did["flat"][0].answer


async def test_rejected_change_stops_both_alike(
    moto_cast: Callable[[Any], Cast], s3_endpoint: str, tmp_path: Path
) -> None:
    def setup(workdir: Path) -> None:
        _reset(s3_endpoint)
        (workdir / "a.txt").write_text("a")

    turns = ["create a bucket called stop-here and upload a.txt into it"]
    did = await _converse(moto_cast(None), tmp_path, turns, setup, approve=False)
    _same(did)
    assert [name for name, _ in did["flat"][0].calls] == ["create_bucket"]
    assert "nothing was changed" in did["flat"][0].answer.lower()
    assert not raw_client(s3_endpoint).bucket_exists("stop-here")


async def test_one_specialist_alone_is_played_flat_too(s3_endpoint: str, tmp_path: Path) -> None:
    """With only storage's tools bound there is no handoff to tell the roles apart: the flat agent is
    the one that never sees a handoff in its turn, and still answers greetings as the router does."""

    def setup(_: Path) -> None:
        _reset(s3_endpoint)
        raw_client(s3_endpoint).make_bucket("alpha")

    def cast(workdir: Path) -> list[Specialist]:
        return [storage_specialist(storage_ctx(s3_endpoint, workdir))]

    did = await _converse(cast, tmp_path, ["hi, what can you do?", "list my buckets", "what's in it?"], setup)
    _same(did)
    assert did["flat"][0].answer.startswith("Hello")
    assert did["flat"][1].calls == [("list_buckets", {})]


def _nothing(_: Path) -> None:
    pass


@pytest.fixture
def kfp_cast(kfp_host: str, seaweed_endpoint: Any) -> Cast:
    """Storage on the SeaweedFS the embedded KFP API writes run artifacts to, and the KFP API itself."""
    ep = seaweed_endpoint

    def cast(workdir: Path) -> list[Specialist]:
        storage = StorageContext(
            client_factory=lambda: make_minio_client(ep.endpoint, ep.access_key, ep.secret_key),
            endpoint=ep.endpoint,
            workdir=workdir,
        )
        kfp = KfpContext(client_factory=lambda: make_kfp_client(kfp_host), host=kfp_host, storage=storage)
        docs = DocsContext(kb_factory=_unreachable, storage=storage)
        return [storage_specialist(storage), kfp_specialist(kfp), docs_specialist(docs)]

    return cast


async def test_runs_and_cross_specialist_requests(kfp_cast: Cast, seaweed_endpoint: Any, tmp_path: Path) -> None:
    """One test for everything that runs pipelines: each run takes seconds."""
    raw = Minio(seaweed_endpoint.endpoint, seaweed_endpoint.access_key, seaweed_endpoint.secret_key, secure=False)
    bucket = f"raw-{uuid.uuid4().hex[:8]}"

    def setup(workdir: Path) -> None:
        for obj in raw.list_objects(bucket, recursive=True) if raw.bucket_exists(bucket) else []:
            raw.remove_object(bucket, obj.object_name)
        if not raw.bucket_exists(bucket):
            raw.make_bucket(bucket)
        (workdir / "data.csv").write_text("a,b\n1,2\n3,4\n")

    turns = [
        "run the iris pipeline with 20 trees and tell me its accuracy",
        f"upload data.csv to {bucket} and validate it with the data-validation pipeline",
    ]
    did = await _converse(kfp_cast, tmp_path, turns, setup)
    _same(did, line_order=False)
    iris, validate = did["flat"]
    assert [name for name, _ in iris.calls] == ["get_pipeline", "submit_run", "wait_for_run", "preview_object"]
    assert iris.calls[1][1]["parameters"] == {"n_estimators": 20}
    assert "accuracy is" in iris.answer
    assert did["swarm"][0].handoffs == ["pipelines", "storage"]
    assert validate.calls[0] == ("upload", {"local_path": "data.csv", "bucket": bucket})
    submit = next(args for name, args in validate.calls if name == "submit_run")
    assert submit["pipeline"] == "data-validation" and submit["parameters"]["bucket"] == bucket
    assert did["swarm"][1].handoffs == ["storage", "pipelines"]
