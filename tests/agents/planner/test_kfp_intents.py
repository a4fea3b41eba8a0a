"""The offline pipelines planner: plain requests -> exact tool calls, step by step as results arrive."""

from __future__ import annotations

from typing import Any

import pytest

from agents.planner import plan as plan_module
from agents.planner import storage_intents
from agents.planner.kfp_intents import KFP_TOOL_NAMES, Done, KfpMemory, Plan, is_kfp_request, plan_kfp

Call = tuple[str, dict[str, Any]]


def call(tool: str, **args: Any) -> Call:
    return (tool, args)


def calls(plan: Plan) -> list[Call]:
    return [(step.tool, step.args) for step in plan.steps]


IRIS = {
    "pipeline": {"id": "p-iris", "name": "iris"},
    "inputs": [
        {"name": "n_estimators", "type": "int", "default": 100, "required": False},
        {"name": "max_depth", "type": "int", "default": 5, "required": False},
        {"name": "test_size", "type": "float", "default": 0.3, "required": False},
        {"name": "seed", "type": "int", "default": 42, "required": False},
    ],
}
VALIDATION = {
    "pipeline": {"id": "p-dv", "name": "data-validation"},
    "inputs": [
        {"name": "bucket", "type": "str", "default": None, "required": True},
        {"name": "key", "type": "str", "default": None, "required": True},
        {"name": "required_columns", "type": "str", "default": "", "required": False},
        {"name": "max_empty_fraction", "type": "float", "default": 0.1, "required": False},
        {"name": "min_rows", "type": "int", "default": 1, "required": False},
    ],
}
FLAGS = {  # a pipeline with list, dict and bool inputs, and an s3 URI input
    "pipeline": {"id": "p-flags", "name": "flags"},
    "inputs": [
        {"name": "shuffle", "type": "bool", "default": True, "required": False},
        {"name": "columns", "type": "list", "default": [], "required": False},
        {"name": "options", "type": "dict", "default": {}, "required": False},
        {"name": "data_uri", "type": "str", "default": None, "required": True},
    ],
}
RUNS = {"runs": [{"id": "r-3", "name": "iris-c"}, {"id": "r-2", "name": "iris-b"}, {"id": "r-1", "name": "iris-a"}]}


def fake_result(tool: str, args: dict[str, Any]) -> Any:
    """What the KFP tools would return, enough for the planner's later steps."""
    if tool == "get_pipeline":
        # The tools resolve names case-insensitively; the planner must use the resolved name.
        return {"iris": IRIS, "data-validation": VALIDATION, "flags": FLAGS}[args["pipeline"].lower()]
    if tool == "submit_run":
        return {"run_id": "r-new", "run_name": "iris-new", "pipeline": args["pipeline"], "state": "PENDING"}
    if tool == "list_runs":
        return {"runs": RUNS["runs"][: args.get("limit", 20)]}
    return {"ok": True}


def drive(text: str, memory: KfpMemory | None = None) -> Plan:
    """Run the planner the way the specialist does: execute the next step, replan, until nothing is left.

    Also checks the contract that every replanning reproduces the steps that already ran.
    """
    done: list[Done] = []
    plan = plan_kfp(text, memory, done)
    for _ in range(10):
        assert calls(plan)[: len(done)] == [(d.tool, d.args) for d in done]
        if len(done) >= len(plan.steps):
            return plan
        step = plan.steps[len(done)]
        done.append(Done(step.tool, step.args, True, fake_result(step.tool, step.args)))
        plan = plan_kfp(text, memory, done)
    raise AssertionError("the plan never settled")


# A thread where the storage agent just uploaded s3://raw-data/uploads/data.csv and the user earlier
# ran iris in experiment tuning (run r-mem, before it r-old).
MEMORY = KfpMemory(
    pipeline="iris",
    run="r-mem",
    runs=["r-mem", "r-old"],
    experiment="tuning",
    bucket="raw-data",
    key="uploads/data.csv",
)

# (request, expected calls once every step has run), planned without memory.
CASES: list[tuple[str, list[Call]]] = [
    # --- list_pipelines -------------------------------------------------------------------------
    ("list pipelines", [call("list_pipelines")]),
    ("what pipelines do I have?", [call("list_pipelines")]),
    ("search pipelines for iris", [call("list_pipelines", search="iris")]),
    ("show pipelines matching valid", [call("list_pipelines", search="valid")]),
    ("is there a validation pipeline?", [call("list_pipelines", search="validation")]),
    ("show me the first 5 pipelines", [call("list_pipelines", limit=5)]),
    # --- get_pipeline ---------------------------------------------------------------------------
    ("what inputs does iris take?", [call("get_pipeline", pipeline="iris")]),
    ("describe the data-validation pipeline", [call("get_pipeline", pipeline="data-validation")]),
    ("What parameters does the data-validation pipeline take", [call("get_pipeline", pipeline="data-validation")]),
    # --- upload_pipeline ------------------------------------------------------------------------
    ("upload pipelines/train.py as trainer", [call("upload_pipeline", path="pipelines/train.py", name="trainer")]),
    ("upload iris.yaml", [call("upload_pipeline", path="iris.yaml")]),
    (
        'upload train.yaml as a pipeline named trainer with description "Trains things"',
        [call("upload_pipeline", path="train.yaml", name="trainer", description="Trains things")],
    ),
    (
        "register pipelines/train.py as trainer using function train_pipeline",
        [call("upload_pipeline", path="pipelines/train.py", name="trainer", function="train_pipeline")],
    ),
    # --- upload_pipeline_version ----------------------------------------------------------------
    ("new version of iris from iris_v2.yaml", [call("upload_pipeline_version", path="iris_v2.yaml", pipeline="iris")]),
    (
        "upload pipeline iris_v2.yaml as a new version of iris called v2",
        [call("upload_pipeline_version", path="iris_v2.yaml", pipeline="iris", version_name="v2")],
    ),
    # --- experiments ----------------------------------------------------------------------------
    ("list experiments", [call("list_experiments")]),
    ("what experiments do we have", [call("list_experiments")]),
    ("create an experiment called tuning", [call("create_experiment", name="tuning")]),
    ("create a new experiment tuning", [call("create_experiment", name="tuning")]),
    (
        'make experiment "hp search" with description "grid search"',
        [call("create_experiment", name="hp search", description="grid search")],
    ),
    # --- submit_run (get_pipeline first: parameters are mapped onto its declared inputs) ----------
    ("run iris", [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris")]),
    (
        "run the iris pipeline with 50 trees",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris", parameters={"n_estimators": 50})],
    ),
    (
        "Run the IRIS pipeline with 50 trees",  # the resolved name from get_pipeline is what gets submitted
        [call("get_pipeline", pipeline="IRIS"), call("submit_run", pipeline="iris", parameters={"n_estimators": 50})],
    ),
    (
        "train iris with n_estimators=50 and max_depth 3",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 50, "max_depth": 3}),
        ],
    ),
    (
        "I'd like to train iris with 3 depth and a hundred trees",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 100, "max_depth": 3}),
        ],
    ),
    (
        "train iris with n_estimators 50 max_depth 3 seed 7",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 50, "max_depth": 3, "seed": 7}),
        ],
    ),
    (
        "can you please start a new iris run with test size 20%",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris", parameters={"test_size": 0.2})],
    ),
    (
        "launch iris using 200 estimators in experiment tuning",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 200}, experiment="tuning"),
        ],
    ),
    (
        "run the iris pipeline version v2 with twenty trees as run baseline-1",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 20}, version="v2", run_name="baseline-1"),
        ],
    ),
    (
        "kick off data-validation on s3://raw-data/data.csv",
        [
            call("get_pipeline", pipeline="data-validation"),
            call("submit_run", pipeline="data-validation", parameters={"bucket": "raw-data", "key": "data.csv"}),
        ],
    ),
    (
        "run data-validation with bucket raw-data key data.csv",
        [
            call("get_pipeline", pipeline="data-validation"),
            call("submit_run", pipeline="data-validation", parameters={"bucket": "raw-data", "key": "data.csv"}),
        ],
    ),
    (
        "kick off data-validation on data.csv in raw-data",
        [
            call("get_pipeline", pipeline="data-validation"),
            call("submit_run", pipeline="data-validation", parameters={"bucket": "raw-data", "key": "data.csv"}),
        ],
    ),
    (
        'run data-validation with min rows 10 and required columns "a,b" on s3://raw-data/x.csv',
        [
            call("get_pipeline", pipeline="data-validation"),
            call(
                "submit_run",
                pipeline="data-validation",
                parameters={"bucket": "raw-data", "key": "x.csv", "required_columns": "a,b", "min_rows": 10},
            ),
        ],
    ),
    (
        'run flags without shuffle with columns a,b and options={"x":1} on s3://lake/in/',
        [
            call("get_pipeline", pipeline="flags"),
            call(
                "submit_run",
                pipeline="flags",
                parameters={"shuffle": False, "columns": ["a", "b"], "options": {"x": 1}, "data_uri": "s3://lake/in/"},
            ),
        ],
    ),
    # --- submit + wait_for_run (only when the user wants the outcome) -----------------------------
    (
        "run iris with 50 trees and tell me the accuracy",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 50}),
            call("wait_for_run", run="r-new"),
        ],
    ),
    (
        "run iris and wait for it",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris"), call("wait_for_run", run="r-new")],
    ),
    (
        "run iris and let me know when it's done",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris"), call("wait_for_run", run="r-new")],
    ),
    (
        "start iris with test_size: 0.25, wait up to 10 minutes",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"test_size": 0.25}),
            call("wait_for_run", run="r-new", timeout_seconds=600),
        ],
    ),
    (
        'Run the "iris" pipeline with fifty trees and a max depth of 3, then report the metrics',
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 50, "max_depth": 3}),
            call("wait_for_run", run="r-new"),
        ],
    ),
    # --- several actions in one request -------------------------------------------------------
    (
        "create an experiment called tuning and run iris in it with 10 trees",
        [
            call("create_experiment", name="tuning"),
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"n_estimators": 10}, experiment="tuning"),
        ],
    ),
    (
        "what inputs does iris take? then run it with 50 trees",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris", parameters={"n_estimators": 50})],
    ),
    (
        "run iris and then list my runs",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris"), call("list_runs")],
    ),
    # --- list_runs ------------------------------------------------------------------------------
    ("list my runs", [call("list_runs")]),
    ("show failed runs", [call("list_runs", state="FAILED")]),
    ("runs of iris in experiment tuning", [call("list_runs", experiment="tuning", pipeline="iris")]),
    ("show me the last 5 runs", [call("list_runs", limit=5)]),
    ("any failed runs in experiment tuning?", [call("list_runs", state="FAILED", experiment="tuning")]),
    ("what's running?", [call("list_runs", state="RUNNING")]),
    ("list successful iris runs", [call("list_runs", state="SUCCEEDED", pipeline="iris")]),
    # --- get_run --------------------------------------------------------------------------------
    ("what's the status of my last run", [call("list_runs", limit=1), call("get_run", run="r-3")]),
    ("how's my last run going?", [call("list_runs", limit=1), call("get_run", run="r-3")]),
    ("did my last iris run succeed?", [call("list_runs", pipeline="iris", limit=1), call("get_run", run="r-3")]),
    ("show me run iris-2024-05-01", [call("get_run", run="iris-2024-05-01")]),
    ("show me run baseline", [call("get_run", run="baseline")]),
    (
        "what's the status of run 3f2a9c1e-1111-2222-3333-444455556666",
        [call("get_run", run="3f2a9c1e-1111-2222-3333-444455556666")],
    ),
    # --- wait_for_run / terminate_run -----------------------------------------------------------
    ("wait for run-xyz", [call("wait_for_run", run="run-xyz")]),
    ("cancel run-abc", [call("terminate_run", run="run-abc")]),
    ('terminate the run called "nightly 5"', [call("terminate_run", run="nightly 5")]),
    ("kill my last run", [call("list_runs", limit=1), call("terminate_run", run="r-3")]),
    ("terminate run-a and run-b", [call("terminate_run", run="run-a"), call("terminate_run", run="run-b")]),
    ("what's the state of run-a", [call("get_run", run="run-a")]),
    ("list the 3 most recent failed runs", [call("list_runs", state="FAILED", limit=3)]),
    ("runs in the tuning experiment", [call("list_runs", experiment="tuning")]),
    ("get logs for run-abc task train", [call("get_task_logs", run="run-abc", task="train")]),
    ("show me the iris pipeline", [call("get_pipeline", pipeline="iris")]),
    (
        "fire off data-validation with bucket=raw-data key=data.csv max empty fraction 5%",
        [
            call("get_pipeline", pipeline="data-validation"),
            call(
                "submit_run",
                pipeline="data-validation",
                parameters={"bucket": "raw-data", "key": "data.csv", "max_empty_fraction": 0.05},
            ),
        ],
    ),
    # --- get_task_logs --------------------------------------------------------------------------
    ("why did my last run fail?", [call("list_runs", limit=1), call("get_task_logs", run="r-3")]),
    (
        "show the last 50 lines of logs for the evaluate step of run-abc",
        [call("get_task_logs", run="run-abc", task="evaluate", tail_lines=50)],
    ),
    ("what went wrong with run-b?", [call("get_task_logs", run="run-b")]),
    # --- compare_runs ---------------------------------------------------------------------------
    (
        "compare my last two iris runs",
        [call("list_runs", pipeline="iris", limit=2), call("compare_runs", runs=["r-3", "r-2"])],
    ),
    ("compare run-a and run-b", [call("compare_runs", runs=["run-a", "run-b"])]),
    ('compare "run one" vs "run two"', [call("compare_runs", runs=["run one", "run two"])]),
    ("compare runs baseline and tuned", [call("compare_runs", runs=["baseline", "tuned"])]),
    (
        "compare the last 3 runs in experiment tuning",
        [call("list_runs", experiment="tuning", limit=3), call("compare_runs", runs=["r-3", "r-2", "r-1"])],
    ),
    ("compare my last run with run-b", [call("list_runs", limit=1), call("compare_runs", runs=["r-3", "run-b"])]),
    (
        "compare a couple of recent iris runs",
        [call("list_runs", pipeline="iris", limit=2), call("compare_runs", runs=["r-3", "r-2"])],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_plans(text: str, expected: list[Call]) -> None:
    plan = drive(text)
    assert plan.question is None
    assert calls(plan) == expected


# (request, expected calls) with MEMORY: pronouns and "again" resolve from the thread.
MEMORY_CASES: list[tuple[str, list[Call]]] = [
    ("wait for it", [call("wait_for_run", run="r-mem")]),
    ("wait for it for 30 minutes", [call("wait_for_run", run="r-mem", timeout_seconds=1800)]),
    ("stop that run", [call("terminate_run", run="r-mem")]),
    ("why did it fail?", [call("get_task_logs", run="r-mem")]),
    ("logs of the train task", [call("get_task_logs", run="r-mem", task="train")]),
    ("is it done?", [call("get_run", run="r-mem")]),
    ("compare them", [call("compare_runs", runs=["r-mem", "r-old"])]),
    ("compare it with run-b", [call("compare_runs", runs=["r-mem", "run-b"])]),
    ("what inputs does the pipeline take?", [call("get_pipeline", pipeline="iris")]),
    (
        "run it again with 300 trees",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris", parameters={"n_estimators": 300})],
    ),
    (
        "rerun with depth 2 in the same experiment",
        [
            call("get_pipeline", pipeline="iris"),
            call("submit_run", pipeline="iris", parameters={"max_depth": 2}, experiment="tuning"),
        ],
    ),
    (
        "validate it with the data-validation pipeline",
        [
            call("get_pipeline", pipeline="data-validation"),
            call(
                "submit_run",
                pipeline="data-validation",
                parameters={"bucket": "raw-data", "key": "uploads/data.csv"},
            ),
        ],
    ),
    (
        "run data-validation on it with min_rows=5 and tell me if it passed",
        [
            call("get_pipeline", pipeline="data-validation"),
            call(
                "submit_run",
                pipeline="data-validation",
                parameters={"bucket": "raw-data", "key": "uploads/data.csv", "min_rows": 5},
            ),
            call("wait_for_run", run="r-new"),
        ],
    ),
    (
        "upload iris_v3.yaml as a new version of the pipeline",
        [call("upload_pipeline_version", path="iris_v3.yaml", pipeline="iris")],
    ),
    # The run submitted in this request wins over the one in memory.
    (
        "run iris and wait for it",
        [call("get_pipeline", pipeline="iris"), call("submit_run", pipeline="iris"), call("wait_for_run", run="r-new")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MEMORY_CASES, ids=[c[0] for c in MEMORY_CASES])
def test_plans_with_memory(text: str, expected: list[Call]) -> None:
    plan = drive(text, MEMORY)
    assert plan.question is None
    assert calls(plan) == expected


# --- step by step: later steps only appear once the results they need exist -------------------------


def test_submit_waits_for_get_pipeline_then_wait_for_submit() -> None:
    text = "run the iris pipeline with 50 trees and tell me the accuracy"
    assert calls(plan_kfp(text)) == [call("get_pipeline", pipeline="iris")]

    done = [Done("get_pipeline", {"pipeline": "iris"}, True, IRIS)]
    plan = plan_kfp(text, done=done)
    assert calls(plan) == [
        call("get_pipeline", pipeline="iris"),
        call("submit_run", pipeline="iris", parameters={"n_estimators": 50}),
    ]
    assert plan.question is None

    done.append(Done("submit_run", plan.steps[1].args, True, {"run_id": "abc-123", "state": "PENDING"}))
    assert calls(plan_kfp(text, done=done))[2:] == [call("wait_for_run", run="abc-123")]


def test_compare_uses_the_ids_list_runs_returned() -> None:
    text = "compare my last two iris runs"
    assert calls(plan_kfp(text)) == [call("list_runs", pipeline="iris", limit=2)]
    done = [Done("list_runs", {"pipeline": "iris", "limit": 2}, True, {"runs": [{"id": "x9"}, {"id": "x8"}]})]
    assert calls(plan_kfp(text, done=done))[1:] == [call("compare_runs", runs=["x9", "x8"])]


def test_failed_step_ends_the_plan_without_a_question() -> None:
    done = [Done("get_pipeline", {"pipeline": "irsi"}, False, None)]
    plan = plan_kfp("run irsi with 50 trees and wait", done=done)
    assert calls(plan) == [call("get_pipeline", pipeline="irsi")]
    assert plan.question is None


def test_failed_submit_is_not_waited_for() -> None:
    text = "run iris and wait for it"
    done = [
        Done("get_pipeline", {"pipeline": "iris"}, True, IRIS),
        Done("submit_run", {"pipeline": "iris"}, False, None),
    ]
    assert calls(plan_kfp(text, done=done)) == [
        call("get_pipeline", pipeline="iris"),
        call("submit_run", pipeline="iris"),
    ]


# --- questions instead of guesses -------------------------------------------------------------------

QUESTIONS: list[tuple[str, list[Call], str]] = [
    # (request, steps planned before the gap, a word the question must contain)
    ("train a model", [], "Which pipeline"),
    ("run data-validation", [call("get_pipeline", pipeline="data-validation")], "bucket and key"),
    # "it" with nothing in memory: no object to validate, so ask rather than run on nothing.
    (
        "validate it with the data-validation pipeline",
        [call("get_pipeline", pipeline="data-validation")],
        "bucket and key",
    ),
    ("run iris with learning rate 0.1", [call("get_pipeline", pipeline="iris")], "learning rate 0.1"),
    ("run iris with lr=0.1", [call("get_pipeline", pipeline="iris")], "no input called lr"),
    ("run iris with max depth 3.5", [call("get_pipeline", pipeline="iris")], "takes an int"),
    ("run iris 3 times", [call("get_pipeline", pipeline="iris")], "3 times"),
    ("wait for it", [], "Which run"),
    ("stop it", [], "Which run"),
    ("why did it fail?", [], "Which run"),
    ("compare iris runs", [], "Which runs"),
    ("upload a pipeline", [], "Which pipeline file"),
    ("new version of iris", [], "Which file"),
    ("upload v2.yaml as a new version", [], "Which pipeline"),
    ("create an experiment", [], "called"),
    ("what does it do?", [], "What would you like"),
]


@pytest.mark.parametrize(("text", "expected", "asks"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_asks_when_a_value_is_missing(text: str, expected: list[Call], asks: str) -> None:
    plan = drive(text)
    assert calls(plan) == expected
    assert plan.question is not None and asks in plan.question


def test_no_runs_found_is_a_question() -> None:
    done = [Done("list_runs", {"state": "FAILED", "limit": 1}, True, {"runs": []})]
    plan = plan_kfp("why did my last failed run fail", done=done)
    assert plan.question is not None and "no runs" in plan.question


# --- routing --------------------------------------------------------------------------------------

KFP_REQUESTS = [
    "run the iris pipeline with 50 trees",
    "kick off data-validation on s3://raw-data/data.csv",
    "validate it with the data-validation pipeline",
    "list pipelines",
    "what inputs does iris take?",
    "upload pipelines/train.py as trainer",
    "new version of iris from iris_v2.yaml",
    "create an experiment called tuning",
    "list my runs",
    "what's the status of my last run?",
    "wait for it",
    "stop that run",
    "why did it fail?",
    "compare run-a and run-b",
    "what's the accuracy of my last run",
]
NOT_KFP_REQUESTS = [
    "how do I cache a KFP step?",
    "how can I pass a secret to a pipeline step?",
    "what is a pipeline component?",
    "explain how caching works in kfp",
    "what's the difference between a run and an experiment?",
    "upload data.csv to raw-data",
    "upload train.py to my-bucket",
    "list my buckets",
    "what's in demo-data?",
    "delete bucket old-logs",
    "kill the bucket exp-42",
    "any files under logs/2024/ in ml-data?",
    "put ./results/metrics.json in ml-data under runs/42/",
    "set up a bucket for experiments called exp-results",
    "stop versioning ml-data",
    "show me the first rows of s3://raw-data/train.csv",
    "what's its accuracy?",  # the metrics artifact is read by the storage specialist
    "hello",
]


@pytest.mark.parametrize("text", KFP_REQUESTS)
def test_is_kfp_request(text: str) -> None:
    assert is_kfp_request(text)


@pytest.mark.parametrize("text", NOT_KFP_REQUESTS)
def test_is_not_kfp_request(text: str) -> None:
    assert not is_kfp_request(text)


# --- the shared plan types ------------------------------------------------------------------------


def test_every_tool_is_planned_somewhere() -> None:
    planned = {tool for _, expected in CASES + MEMORY_CASES for tool, _ in expected}
    assert planned == set(KFP_TOOL_NAMES)
    assert len(KFP_TOOL_NAMES) == 13


def test_storage_intents_re_exports_the_shared_plan_types() -> None:
    assert storage_intents.Plan is plan_module.Plan is Plan
    assert storage_intents.Step is plan_module.Step
    assert "Plan" in storage_intents.__all__ and "Step" in storage_intents.__all__
