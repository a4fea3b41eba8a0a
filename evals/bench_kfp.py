"""Submit-to-SUCCEEDED time of the iris pipeline on the embedded KFP API, and per-task overhead.

Starts the embedded object store and KFP API in a temporary directory, then, through an
unmodified kfp.Client:
  * submits the bundled iris pipeline 5 times (one at a time) and reports the median time from
    submit to SUCCEEDED;
  * runs a 3-task pipeline whose components do nothing, so its per-task time is the overhead the
    runner adds to every task (process start, kfp.local's executor, artifact publishing).

    python evals/bench_kfp.py [--runs 5]

(No `from __future__ import annotations`: kfp reads the component annotations.)
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kfp import compiler, dsl  # noqa: E402


@dsl.component
def noop(x: int) -> int:
    return x


@dsl.pipeline(name="noop-chain")
def noop_chain(x: int = 1) -> int:
    a = noop(x=x)
    b = noop(x=a.output)
    c = noop(x=b.output)
    return c.output


def run_once(client, pipeline_id: str, version_id: str, exp_id: str, params: dict) -> tuple[float, dict]:  # noqa: ANN001
    start = time.perf_counter()
    run = client.run_pipeline(
        experiment_id=exp_id,
        job_name=f"bench-{time.time_ns()}",
        pipeline_id=pipeline_id,
        version_id=version_id,
        params=params,
    )
    while True:
        got = client.get_run(run.run_id)
        state = str(got.state)
        if state in {"SUCCEEDED", "FAILED", "CANCELED"}:
            break
        time.sleep(0.1)
    took = time.perf_counter() - start
    if state != "SUCCEEDED":
        raise SystemExit(f"run ended {state}: {got.error}")
    return took, got.to_dict()


def task_seconds(run: dict) -> list[float]:
    out = []
    for t in (run.get("run_details") or {}).get("task_details") or []:
        if t.get("start_time") and t.get("end_time"):
            out.append((t["end_time"] - t["start_time"]).total_seconds())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from swarmops.services.kfp_server.embedded import EmbeddedKfp
    from swarmops.services.seaweed import EmbeddedSeaweed
    from tools.kfp import make_kfp_client

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        with EmbeddedSeaweed(data):
            t1 = time.perf_counter()
            with EmbeddedKfp(data, seaweed_dir=data) as host:  # as the app runs it
                t2 = time.perf_counter()
                client = make_kfp_client(host, timeout=30)
                exp = client.create_experiment("bench")
                iris_id = client.get_pipeline_id("iris")
                iris_version = client.list_pipeline_versions(iris_id).pipeline_versions[0].pipeline_version_id
                times = []
                for i in range(args.runs):
                    took, run = run_once(client, iris_id, iris_version, exp.experiment_id, {"n_estimators": 50})
                    times.append(took)
                    print(
                        f"  iris run {i + 1}: {took:.2f} s (tasks {', '.join(f'{s:.2f}' for s in task_seconds(run))} s)"
                    )
                spec = data / "noop.yaml"
                compiler.Compiler().compile(noop_chain, str(spec))
                noop_pipe = client.upload_pipeline(str(spec), pipeline_name="noop-chain")
                noop_version = client.list_pipeline_versions(noop_pipe.pipeline_id).pipeline_versions[0]
                noop_took, noop_run = run_once(
                    client, noop_pipe.pipeline_id, noop_version.pipeline_version_id, exp.experiment_id, {}
                )
                per_task = task_seconds(noop_run)
    print(f"embedded object store ready in {t1 - t0:.2f} s, KFP API ready in {t2 - t1:.2f} s")
    print(
        f"iris submit -> SUCCEEDED: median {statistics.median(times):.2f} s over {len(times)} runs "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
    print(
        f"per-task overhead (3 no-op tasks): {statistics.mean(per_task):.2f} s per task; "
        f"whole no-op run {noop_took:.2f} s"
    )


if __name__ == "__main__":
    main()
