"""Agent overhead per turn: wall time minus model time minus tool time.

A zero-latency scripted model drives a realistic turn (router -> handoff -> storage specialist ->
one real tool call on a loopback S3 server -> answer -> router), with the SQLite checkpointer
the app uses. What is left after subtracting model and tool time is swarmops' own cost: graph
steps, checkpoint writes, event translation, masking and audit logging.

    python evals/bench_overhead.py [--turns 200]

Target (issue #2): p50 <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.scripted import ScriptedChatModel, call, say  # noqa: E402
from swarmops.events import TurnDone  # noqa: E402
from tests.helpers import assistant_for  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def bench(turns: int, endpoint: str, threads: int) -> dict[str, float]:
    model = ScriptedChatModel(
        script=[call("transfer_to_storage", task="list buckets"), call("list_buckets"), say("No buckets."), say("")],
        cycle=True,
    )
    overheads: list[float] = []
    walls: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with assistant_for(Path(tmp), model, endpoint=endpoint) as assistant:
            for i in range(turns + 5):
                done = None
                async for event in assistant.astream(f"bench-{i % threads}", "what buckets do I have?"):
                    if isinstance(event, TurnDone):
                        done = event
                assert done is not None and done.final_text == "No buckets.", done
                if i >= 5:  # warm-up turns excluded
                    overheads.append(done.overhead_ms)
                    walls.append(done.wall_ms)
    return {
        "turns": turns,
        "overhead_p50_ms": statistics.median(overheads),
        "overhead_p95_ms": percentile(overheads, 0.95),
        "wall_p50_ms": statistics.median(walls),
        "wall_p95_ms": percentile(walls, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--threads", type=int, default=10, help="spread turns over this many threads")
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        start = time.perf_counter()
        figures = asyncio.run(bench(args.turns, f"{host}:{port}", args.threads))
    finally:
        server.stop()
    print(f"agent overhead over {figures['turns']} turns (4 model calls + 1 tool call each)")
    print(f"  overhead p50 {figures['overhead_p50_ms']:.2f} ms   p95 {figures['overhead_p95_ms']:.2f} ms")
    print(f"  wall     p50 {figures['wall_p50_ms']:.2f} ms   p95 {figures['wall_p95_ms']:.2f} ms")
    print(f"  target p50 <= 10 ms: {'met' if figures['overhead_p50_ms'] <= 10 else 'NOT met'}")
    print(f"  total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
