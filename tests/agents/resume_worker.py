"""Run one phase of a conversation in its own process (see test_resume.py)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage

from agents.scripted import ScriptedChatModel, call, say
from tests.helpers import assistant_for


def recall(messages: list) -> AIMessage:
    asked = [m.content for m in messages if isinstance(m, HumanMessage)]
    return say(f"Earlier you asked: {asked[0]}")


async def main(data_dir: Path, endpoint: str, phase: str) -> None:
    if phase == "first":
        model = ScriptedChatModel(
            script=[call("transfer_to_storage", task="create"), call("create_bucket", bucket="kept")]
        )
        async with assistant_for(data_dir, model, endpoint=endpoint) as assistant:
            async for event in assistant.astream("thread-1", "please create a bucket called kept"):
                print(event.to_json(), flush=True)  # the approval is left unanswered
    else:
        model = ScriptedChatModel(script=[say("Created kept."), recall])
        async with assistant_for(data_dir, model, endpoint=endpoint) as assistant:
            async for event in assistant.astream("thread-1", resume={"approved": True}):
                print(event.to_json(), flush=True)
            async for event in assistant.astream("thread-1", "what did I ask first?"):
                print(event.to_json(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))
