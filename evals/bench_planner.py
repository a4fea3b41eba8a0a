"""Offline planning time per turn, and whether planning imports torch (issue 13's targets).

Every user turn of the eval suite and the paraphrase set is planned the way a turn starts: the fast
router's decision, then the offline planner's first call (the router's handoff when routing needs
it, and the specialist's first step). No backend is touched: only the planning is timed.

    python evals/bench_planner.py [--repeat 3]

Target (issue 13): p50 <= 5 ms per turn, and torch never imported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage  # noqa: E402

from agents.docs import docs_specialist  # noqa: E402
from agents.fastroute import router_for  # noqa: E402
from agents.kfp import kfp_specialist  # noqa: E402
from agents.planner.catalog import forget  # noqa: E402
from agents.planner.model import OfflinePlanner  # noqa: E402
from agents.storage import storage_specialist  # noqa: E402
from agents.toolkit import handoff_schema, tool_schema  # noqa: E402


def requests() -> list[str]:
    """The first user turn of every case, in the suite and the paraphrase set."""
    out = []
    for path in sorted(ROOT.glob("evals/cases/**/*.yaml")):
        for case in (yaml.safe_load(path.read_text()) or {}).get("cases", []):
            turns = case.get("turns") or []
            first = turns[0] if turns else None
            text = first if isinstance(first, str) else (first or {}).get("say")
            if text:
                out.append(str(text))
    return out


def plan_one(text: str, fast, router, bound: dict) -> None:  # noqa: ANN001 - a bench, not an API
    human = HumanMessage(content=text)
    parts = fast.route(text, list(bound))
    if parts:
        agent, task = parts[0].agent, parts[0].task
    else:
        reply = router.invoke([human])
        if not reply.tool_calls:
            return
        agent, task = reply.tool_calls[0]["name"].removeprefix("transfer_to_"), reply.tool_calls[0]["args"]["task"]
    if agent not in bound:
        return
    call = {"name": f"transfer_to_{agent}", "args": {"task": task}, "id": "route"}
    ack = ToolMessage(content=f"Transferred to {agent}. Task: {task}", tool_call_id="route")
    bound[agent].invoke([human, AIMessage(content="", tool_calls=[call]), ack])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="times each request is planned")
    args = parser.parse_args()
    specialists = [storage_specialist(None), kfp_specialist(None), docs_specialist(None)]  # type: ignore[arg-type]
    fast = router_for(specialists)
    planner = OfflinePlanner()
    router = planner.bind_tools([handoff_schema(s.name, s.description) for s in specialists])
    peers = {s.name: [handoff_schema(p.name, p.description) for p in specialists if p is not s] for s in specialists}
    bound = {s.name: planner.bind_tools([*(tool_schema(t) for t in s.tools), *peers[s.name]]) for s in specialists}
    texts = requests()
    times: list[float] = []
    for _ in range(args.repeat):
        forget()  # every repeat plans each request as new: no similarity cached from the last one
        for text in texts:
            started = time.perf_counter()
            plan_one(text, fast, router, bound)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    print(f"planned {len(texts)} requests x {args.repeat}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.1f} ms")
    print(f"torch imported while planning: {'yes' if 'torch' in sys.modules else 'no'}")
    print(f"target (issue 13): p50 <= 5 ms -> {'met' if p50 <= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
