"""Terminal chat responsiveness: launch to ready, and submit to the first event on screen.

Each launch is a fresh Python process that imports `tui.app`, runs `SwarmopsApp` headless with an
auto-pilot, and reports its figures as JSON. The assistant is the real one (graph, SQLite
checkpointer, storage tools) with the offline planner, on a moto S3 server on loopback; like
`swarmops chat`, its graph stack is imported off the event loop after the window is up.

  (a) launch -> ready: the app's metrics["ready_s"] (from `tui.app.LAUNCHED`, set when tui.app is
      imported) plus the import of tui.app, i.e. from the first line of the program; also shown
      from process spawn (interpreter start-up included; perf_counter is system-wide on Linux).
  (b) submit -> first event on screen: metrics["first_event_s"] for "what buckets do I have?":
      the first turn of each process (cold: lazy imports on first use) and further turns (warm).

    python evals/bench_tui.py [--launches 5] [--warm-turns 5]

Target: ready within 1.5 s of launch.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_READY_S = 1.5
QUESTION = "what buckets do I have?"

# The child program. Nothing is imported before T0 but `time`, so "import" covers all of tui.app.
CHILD = r"""
import time
T0 = time.perf_counter()
from tui.app import SwarmopsApp
T_IMPORTED = time.perf_counter()

import asyncio, contextlib, importlib, json, sys
from pathlib import Path

endpoint, workdir, warm_turns, root, QUESTION = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:6]
sys.path.insert(0, root)


@contextlib.asynccontextmanager
async def factory():
    # As the default factory does: the graph stack is imported in a thread, off the event loop.
    await asyncio.to_thread(importlib.import_module, "swarmops.session")
    from agents.planner.model import OfflinePlanner
    from tests.helpers import assistant_for

    async with assistant_for(workdir, OfflinePlanner(), endpoint=endpoint, model_label="offline-planner") as a:
        yield a


app = SwarmopsApp(assistant_factory=factory, thread="bench-0", cursor_blink=False)
out = {}


async def until(pilot, predicate, timeout=60.0):
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0.002)


async def auto_pilot(pilot):
    await until(pilot, lambda: "ready_s" in app.metrics)
    await until(pilot, app._assistant_ready.is_set)
    out["assistant_ready_abs"] = time.perf_counter()
    first_events = []
    for i in range(1 + warm_turns):
        app.metrics.pop("first_event_s", None)
        prompt = app.query_one("#prompt")
        prompt.value = QUESTION
        await pilot.press("enter")
        await until(pilot, lambda: "first_event_s" in app.metrics)
        first_events.append(app.metrics["first_event_s"])
        await until(pilot, lambda: app.turn is not None and app.turn.is_finished)
        await app.workers.wait_for_complete()
        assert app.turn.result == "done", app.turn.result
    out["first_event_s"] = first_events
    app.exit()


app.run(headless=True, auto_pilot=auto_pilot, size=(120, 36))
import tui.app as tapp

out.update(
    t0_abs=T0,
    import_s=T_IMPORTED - T0,
    launched_abs=tapp.LAUNCHED,
    ready_s=app.metrics["ready_s"],
)
print("BENCH " + json.dumps(out))
"""


def launch(endpoint: str, warm_turns: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        spawned = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, endpoint, tmp, str(warm_turns), str(ROOT), QUESTION],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"launch failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    raw = json.loads(line[len("BENCH ") :])
    ready_abs = raw["launched_abs"] + raw["ready_s"]
    return {
        "import_s": raw["import_s"],
        "ready_after_import_s": raw["ready_s"],  # the app's own metric, from tui.app.LAUNCHED
        "ready_from_program_start_s": ready_abs - raw["t0_abs"],
        "ready_from_spawn_s": ready_abs - spawned,
        "interpreter_start_s": raw["t0_abs"] - spawned,
        "assistant_ready_from_spawn_s": raw["assistant_ready_abs"] - spawned,
        "first_event_cold_s": raw["first_event_s"][0],
        "first_event_warm_s": raw["first_event_s"][1:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--warm-turns", type=int, default=5, help="turns after the first, per launch")
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    from tests.helpers import raw_client

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"{host}:{port}"
    for name in ("demo-data", "models", "raw"):
        raw_client(endpoint).make_bucket(name)
    start = time.perf_counter()
    runs: list[dict] = []
    try:
        for i in range(args.launches):
            runs.append(launch(endpoint, args.warm_turns))
            print(
                f"  launch {i + 1}: ready {runs[-1]['ready_from_program_start_s'] * 1000:.0f} ms from program start,"
                f" first event {runs[-1]['first_event_cold_s'] * 1000:.0f} ms (cold)",
                flush=True,
            )
    finally:
        server.stop()

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    warm = [v for r in runs for v in r["first_event_warm_s"]]
    ready = med("ready_from_program_start_s")
    print()
    print(f"(a) launch -> ready (median of {len(runs)} launches)")
    print(f"    import tui.app                      {med('import_s') * 1000:7.0f} ms")
    print(f"    tui.app.LAUNCHED -> ready (metric)  {med('ready_after_import_s') * 1000:7.0f} ms")
    print(
        f"    program start -> ready              {ready * 1000:7.0f} ms   <- target <= {TARGET_READY_S:.1f} s: "
        f"{'met' if ready <= TARGET_READY_S else 'NOT met'}"
    )
    print(
        f"    process spawn -> ready              {med('ready_from_spawn_s') * 1000:7.0f} ms"
        f"   (interpreter start-up {med('interpreter_start_s') * 1000:.0f} ms)"
    )
    print(
        f"    process spawn -> assistant ready    {med('assistant_ready_from_spawn_s') * 1000:7.0f} ms"
        "   (graph stack imported off the loop)"
    )
    print(f"(b) submit -> first event on screen, {QUESTION!r}, offline planner, moto S3")
    print(f"    first turn of a process (cold), median of {len(runs)}   {med('first_event_cold_s') * 1000:7.1f} ms")
    if warm:
        print(f"    later turns (warm), median of {len(warm):<2}             {statistics.median(warm) * 1000:7.1f} ms")
    print(f"    total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
