"""The offline planner's one planning loop: request (+ thread memory, + results so far) -> steps.

Unit tables, no backend: each row is what a person types and the calls the planner must make.
The requests are written for these tests, not copied from the eval suite or the tools' examples.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from agents.planner import catalog, planning
from agents.planner.conversation import Executed
from agents.planner.memory import ThreadMemory
from agents.planner.planning import plan
from agents.planner.specialist import owned
from tools.base import ToolSpec

STORAGE, PIPELINES, DOCS = owned("storage"), owned("pipelines"), owned("docs")


def steps(task: str, allowed: set[str], memory: ThreadMemory | None = None, done: list[Executed] | None = None):
    p = plan(task, allowed, memory or ThreadMemory(), done or [])
    return [(s.tool, s.args) for s in p.steps], p


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ("show all my buckets", [("list_buckets", {})]),
        ("make a bucket named raw-events", [("create_bucket", {"bucket": "raw-events"})]),
        ("what files are in nightly-dumps?", [("list_objects", {"bucket": "nightly-dumps"})]),
        ("put ./report.pdf into the archive bucket", [("upload", {"local_path": "./report.pdf", "bucket": "archive"})]),
        (
            "fetch s3://team-x/exports/q1.csv to ./q1.csv",
            [("download", {"bucket": "team-x", "key": "exports/q1.csv", "local_path": "./q1.csv"})],
        ),
        (
            "copy s3://stage/model.pt to s3://prod/model.pt",
            [
                (
                    "copy_object",
                    {"src_bucket": "stage", "src_key": "model.pt", "dst_bucket": "prod", "dst_key": "model.pt"},
                )
            ],
        ),
        (
            "label s3://lake/a.parquet owner=ana",
            [("set_object_tags", {"bucket": "lake", "key": "a.parquet", "tags": {"owner": "ana"}})],
        ),
        (
            "give me a link to s3://share/deck.pdf valid for 3 hours",
            [("presign_url", {"bucket": "share", "key": "deck.pdf", "expires_minutes": 180})],
        ),
        ("switch versioning off for ledger-2", [("set_bucket_versioning", {"bucket": "ledger-2", "enabled": False})]),
        ("remove bucket old-tmp and everything inside", [("delete_bucket", {"bucket": "old-tmp", "force": True})]),
    ],
)
def test_storage_requests(request_: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert steps(request_, STORAGE)[0] == expected


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ("which pipelines can I launch?", [("list_pipelines", {})]),
        ("what inputs does churn-scoring need", [("get_pipeline", {"pipeline": "churn-scoring"})]),
        ("register ./flows/etl.py as a pipeline", [("upload_pipeline", {"path": "./flows/etl.py"})]),
        ("show the runs that failed", [("list_runs", {"state": "FAILED"})]),
        ("status of run nightly-7", [("get_run", {"run": "nightly-7"})]),
        ("print the logs of the train step of run rf-3", [("get_task_logs", {"run": "rf-3", "task": "train"})]),
        ("compare run-a and run-b", [("compare_runs", {"runs": ["run-a", "run-b"]})]),
        ("new experiment called ablations-2", [("create_experiment", {"name": "ablations-2"})]),
    ],
)
def test_pipelines_requests(request_: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert steps(request_, PIPELINES)[0] == expected


def test_a_missing_value_is_asked_for_never_guessed() -> None:
    planned, p = steps("delete the bucket", STORAGE)
    assert planned == [] and p.question is not None and "bucket" in p.question.lower()
    planned, p = steps("remove some files from scratch-1", STORAGE)  # which objects? no keys, no prefix
    assert planned == [] and p.question is not None


def test_the_thread_memory_fills_what_a_follow_up_points_at() -> None:
    memory = ThreadMemory(bucket="reports-9", key="q2.csv")
    memory.buckets.add("reports-9")
    assert steps("delete it", STORAGE, memory)[0] == [("delete_objects", {"bucket": "reports-9", "keys": ["q2.csv"]})]
    bucket_only = ThreadMemory(bucket="reports-9")
    assert steps("what's in it?", STORAGE, bucket_only)[0] == [("list_objects", {"bucket": "reports-9"})]


def test_a_later_clause_uses_what_an_earlier_one_made() -> None:
    planned, _ = steps("create a bucket called drops-4 and upload notes.md into it", STORAGE)
    assert planned == [
        ("create_bucket", {"bucket": "drops-4"}),
        ("upload", {"local_path": "notes.md", "bucket": "drops-4"}),
    ]


IRIS = {"pipeline": {"name": "iris"}, "inputs": [
    {"name": "n_estimators", "type": "int", "default": 100, "required": False},
    {"name": "max_depth", "type": "int", "default": 3, "required": False},
]}  # fmt: skip


def test_a_run_with_parameters_reads_the_pipeline_inputs_first_then_waits_when_asked() -> None:
    task = "train iris with 40 trees and max depth 6, and tell me the accuracy when it's done"
    planned, p = steps(task, PIPELINES)
    assert planned == [("get_pipeline", {"pipeline": "iris"})] and p.pending  # the submit needs its inputs
    done = [Executed("get_pipeline", {"pipeline": "iris"}, True, IRIS, None)]
    planned, p = steps(task, PIPELINES, done=done)
    assert planned[1] == ("submit_run", {"pipeline": "iris", "parameters": {"n_estimators": 40, "max_depth": 6}})
    assert p.pending  # the wait follows once the run id exists
    done.append(Executed("submit_run", planned[1][1], True, {"run_id": "r-123"}, None))
    planned, p = steps(task, PIPELINES, done=done)
    assert planned[2] == ("wait_for_run", {"run": "r-123"}) and not p.pending and 0 in p.quiet


def test_a_value_no_input_takes_is_asked_about() -> None:
    done = [Executed("get_pipeline", {"pipeline": "iris"}, True, IRIS, None)]
    _planned, p = steps("run iris with 30 layers", PIPELINES, done=done)
    assert p.question is not None and "30 layers" in p.question and "n_estimators" in p.question


def test_same_again_keeps_the_last_parameters_and_changes_one() -> None:
    memory = ThreadMemory(pipeline="iris", parameters={"n_estimators": 40, "max_depth": 6})
    done = [Executed("get_pipeline", {"pipeline": "iris"}, True, IRIS, None)]
    planned, _ = steps("same again but with max depth 9", PIPELINES, memory, done)
    assert planned[1] == ("submit_run", {"pipeline": "iris", "parameters": {"n_estimators": 40, "max_depth": 9}})


def test_stopping_whatever_runs_looks_the_running_run_up_first() -> None:
    planned, p = steps("stop whatever is still running", PIPELINES)
    assert planned == [("list_runs", {"state": "RUNNING", "limit": 5})] and p.pending
    done = [Executed("list_runs", planned[0][1], True, {"runs": [{"id": "abc12345", "name": "x"}]}, None)]
    assert steps("stop whatever is still running", PIPELINES, done=done)[0][1] == (
        "terminate_run",
        {"run": "abc12345"},
    )


def test_a_pattern_deletes_the_listed_keys_it_matches_and_spares_the_ones_to_keep() -> None:
    task = "clear out the tmp-*.log files in build-cache but leave tmp-keep.log alone"
    planned, p = steps(task, STORAGE)
    assert planned == [("list_objects", {"bucket": "build-cache", "limit": 1000})] and p.pending
    listing = {"objects": [{"key": k} for k in ("tmp-1.log", "a/tmp-2.log", "tmp-keep.log", "notes.txt", "tmp-dir/")]}
    done = [Executed("list_objects", planned[0][1], True, listing, None)]
    assert steps(task, STORAGE, done=done)[0][1] == (
        "delete_objects",
        {"bucket": "build-cache", "keys": ["tmp-1.log", "a/tmp-2.log"]},
    )
    none_left = [Executed("list_objects", planned[0][1], True, {"objects": [{"key": "notes.txt"}]}, None)]
    _planned, p = steps(task, STORAGE, done=none_left)
    assert p.question is not None and "nothing to delete" in p.question


def test_named_files_to_keep_are_never_in_a_delete() -> None:
    planned, _ = steps("delete a1.csv and a2.csv from ledger-7; b.csv must stay", STORAGE)
    assert planned == [("delete_objects", {"bucket": "ledger-7", "keys": ["a1.csv", "a2.csv"]})]


def test_the_story_before_a_request_explains_it_but_is_no_step_of_its_own() -> None:
    task = "someone uploaded ledger.csv to books-3 twice. delete ledger-dup.csv, keep the original"
    assert steps(task, STORAGE)[0] == [("delete_objects", {"bucket": "books-3", "keys": ["ledger-dup.csv"]})]
    task = "I reworked the scorer pipeline. push ./scorer.py as its new version, labelled may-fix"
    assert steps(task, PIPELINES)[0] == [
        ("upload_pipeline_version", {"path": "./scorer.py", "pipeline": "scorer", "version_name": "may-fix"})
    ]


def test_what_not_to_do_limits_the_request_instead_of_becoming_a_step() -> None:
    planned, p = steps("start iris with 15 trees, no need to wait for it to finish", PIPELINES)
    assert [t for t, _ in planned] == ["get_pipeline"] and p.pending
    done = [Executed("get_pipeline", {"pipeline": "iris"}, True, IRIS, None)]
    done.append(Executed("submit_run", {}, True, {"run_id": "r-9"}, None))
    planned, p = steps("start iris with 15 trees, no need to wait for it to finish", PIPELINES, done=done)
    assert [t for t, _ in planned] == ["get_pipeline", "submit_run"] and not p.pending  # no wait_for_run
    planned, _ = steps("register ./flows/clean.py as pipeline cleaner-2. don't run it yet", PIPELINES)
    assert planned == [("upload_pipeline", {"path": "./flows/clean.py", "name": "cleaner-2"})]


def test_greetings_and_the_situation_around_a_request_are_not_read_as_names() -> None:
    task = "Good morning. We're retiring old-dumps this week, so shift s3://old-dumps/a/b.csv over to new-dumps"
    assert steps(task, STORAGE)[0] == [
        ("move_object", {"src_bucket": "old-dumps", "src_key": "a/b.csv", "dst_bucket": "new-dumps"})
    ]
    listing = steps("just the top-level folders in warehouse-7, don't expand everything", STORAGE)[0]
    assert listing == [("list_objects", {"bucket": "warehouse-7", "recursive": False})]


def test_a_copy_reads_the_source_from_the_bucket_named_and_the_target_from_in() -> None:
    task = "the file q3/plan.csv sits in the finance-shared bucket; please place a copy of it in board-inbox"
    assert steps(task, STORAGE)[0] == [
        ("copy_object", {"src_bucket": "finance-shared", "src_key": "q3/plan.csv", "dst_bucket": "board-inbox"})
    ]


def test_a_duration_said_as_the_schemas_limit_or_as_the_next_day() -> None:
    longest = steps("share link for s3://hand-off/kit.zip valid as long as allowed", STORAGE)[0]
    assert longest == [("presign_url", {"bucket": "hand-off", "key": "kit.zip", "expires_minutes": 10080})]
    day = steps("a link to s3://hand-off/kit.zip that works for the next day", STORAGE)[0]
    assert day == [("presign_url", {"bucket": "hand-off", "key": "kit.zip", "expires_minutes": 1440})]


def test_out_of_scope_and_docs_questions() -> None:
    assert planning.choose("write me a limerick about cats", STORAGE | PIPELINES | DOCS) == []
    planned, _ = steps("how do I retry a flaky step automatically?", DOCS)
    assert planned[0][0] == "search_docs"


ARCHIVE_EXAMPLES = [
    "archive the bucket logs-1 to cold storage",
    "send old objects of raw to cold storage",
    "move last year's files in bucket y to the cold tier",
    "cold storage for everything old in z",
    "archive old data in the reports bucket",
    "put the stale objects of metrics into cold storage",
    "can you archive bucket tmp-2 to the cold tier",
    "shift old files in exports to glacier-style cold storage",
]


def test_a_new_tool_is_planned_from_its_examples_and_slot_kinds_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Teaching the planner a tool takes no planner change: its examples and slot kinds suffice."""
    from typing import Annotated

    from pydantic import BaseModel, Field

    from tools.slots import Slot

    class ArchiveArgs(BaseModel):
        bucket: Annotated[str, Slot("bucket")] = Field(description="Bucket to archive.")
        days: Annotated[int, Slot("number")] = Field(30, description="Keep this many days.")

    archive = ToolSpec(
        "archive_bucket",
        "Move a bucket's old objects to cold storage.",
        ArchiveArgs,
        lambda a, c: {},
        "storage",
        mutating=False,
        examples=ARCHIVE_EXAMPLES,
    )
    registry = dict(catalog.specs())
    monkeypatch.setattr(catalog, "specs", lambda: {**registry, "archive_bucket": (archive, "storage")})
    catalog.tools.cache_clear()
    catalog.intents.cache_clear()
    try:
        planned, _ = steps("send the old stuff in metrics-old to cold storage please", STORAGE | {"archive_bucket"})
        assert planned == [("archive_bucket", {"bucket": "metrics-old"})]
    finally:
        monkeypatch.undo()
        catalog.tools.cache_clear()
        catalog.intents.cache_clear()


def test_names_stay_masked_and_the_system_is_a_place_not_a_request() -> None:
    prepared = catalog.intents()._prepared("wipe teh bucket called qa-cache-7")
    assert "somename" in prepared and "someone" not in prepared  # a mask is never "corrected"
    planned, p = steps("cancel whatever is still going on the kfp server", PIPELINES)
    assert planned == [("list_runs", {"state": "RUNNING", "limit": 5})] and p.pending


def test_a_slot_declares_its_end_of_a_transfer_and_whether_it_is_a_new_name() -> None:
    task = "Hello! please put ./notes.md into the docs-store bucket. Many thanks in advance."
    assert steps(task, STORAGE)[0] == [("upload", {"local_path": "./notes.md", "bucket": "docs-store"})]
    upload = catalog.tools()["upload"]
    assert (upload.arg("local_path").role, upload.arg("bucket").role) == ("src", "dst")  # type: ignore[union-attr]
    assert catalog.tools()["create_bucket"].arg("bucket").new  # type: ignore[union-attr]
    assert steps("bucket for the q4 numbers please, call it q4-numbers", STORAGE)[0] == [
        ("create_bucket", {"bucket": "q4-numbers"})
    ]


def test_it_is_the_thing_in_play_when_the_request_names_no_other() -> None:
    memory = ThreadMemory(bucket="site-7", key="drafts/a.md")
    memory.buckets.add("site-7")
    assert steps("rename it to live/a-final.md", STORAGE, memory)[0] == [
        (
            "move_object",
            {"src_bucket": "site-7", "src_key": "drafts/a.md", "dst_bucket": "site-7", "dst_key": "live/a-final.md"},
        )
    ]
    only_bucket = ThreadMemory(bucket="scratch-3")
    assert steps("on second thought, delete it", STORAGE, only_bucket)[0] == [
        ("delete_bucket", {"bucket": "scratch-3"})
    ]
    from agents.planner.router import split_by_specialist

    assert split_by_specialist(
        "oops, that was the wrong file. take it back out of the bucket", ["storage", "pipelines"]
    ) == [("storage", "oops, that was the wrong file. take it back out of the bucket")]


def test_misspelt_cue_words_and_input_phrases_still_read() -> None:
    assert steps("pls uplod notes.txt to the team-notes bukcet", STORAGE)[0] == [
        ("upload", {"local_path": "notes.txt", "bucket": "team-notes"})
    ]
    done = [Executed("get_pipeline", {"pipeline": "iris"}, True, IRIS, None)]
    planned, _ = steps("run iris with 25 estimaters and max dpeth 2", PIPELINES, done=done)
    assert planned[1] == ("submit_run", {"pipeline": "iris", "parameters": {"n_estimators": 25, "max_depth": 2}})


def test_a_word_inside_a_name_is_no_request() -> None:
    from agents.planner.storage import METRICS

    assert METRICS.search("new bucket: churn-scores") is None and METRICS.search("what are its scores?")
    assert steps("new bucket: churn-scores", STORAGE)[0] == [("create_bucket", {"bucket": "churn-scores"})]


def test_routing_fills_it_from_the_thread_before_breaking_a_near_tie() -> None:
    from agents.planner.router import split_by_specialist

    memory = ThreadMemory(bucket="old-logs-9")
    memory.buckets.add("old-logs-9")
    assert split_by_specialist("ok, then get rid of it", ["storage", "pipelines"], memory) == [
        ("storage", "ok, then get rid of it")
    ]


def test_a_new_name_is_passed_as_given_so_the_tool_can_explain_and_suggest_a_fix() -> None:
    assert steps("make me a bucket named Data_Lake for the offsite", STORAGE)[0] == [
        ("create_bucket", {"bucket": "Data_Lake"})
    ]


def test_it_after_a_listing_of_one_object_is_that_object() -> None:
    from agents.planner.memory import remember

    listed = Executed(
        "list_objects", {"bucket": "notes-4", "prefix": "wip/"}, True, {"objects": [{"key": "wip/a.md"}]}, None
    )
    assert steps("rename it to done/a.md", STORAGE, remember([listed]))[0] == [
        (
            "move_object",
            {"src_bucket": "notes-4", "src_key": "wip/a.md", "dst_bucket": "notes-4", "dst_key": "done/a.md"},
        )
    ]
    two = Executed("list_objects", {"bucket": "notes-4"}, True, {"objects": [{"key": "a.md"}, {"key": "b.md"}]}, None)
    assert remember([listed, two]).key is None  # two objects: "it" is not known


def test_a_clause_naming_nothing_of_its_own_stays_with_the_part_before_it() -> None:
    from agents.planner.router import split_by_specialist

    every = ["storage", "pipelines", "docs"]
    asked_on = "what does conf/app.json in svc-9 look like? what timeout is configured?"
    assert split_by_specialist(asked_on, every) == [("storage", asked_on)]
    assert split_by_specialist("list my buckets and show my pipelines", every) == [
        ("storage", "list my buckets"),
        ("pipelines", "show my pipelines"),
    ]
    # A file called score.py is not a question about scores; comparing runs reads their metrics itself.
    register = "register ./flows/score.py as pipeline scorer-2"
    assert split_by_specialist(register, every) == [("pipelines", register)]
    side_by_side = "put my last two runs side by side and summarise how their metrics differ"
    assert split_by_specialist(side_by_side, every) == [("pipelines", side_by_side)]


def test_run_references_misspelt_and_a_pipelines_side_that_names_no_pipeline() -> None:
    assert steps("wait for my lastest run to finsh", PIPELINES)[0] == [("wait_for_run", {"run": "latest"})]
    planned, _ = steps("is anything running on the pipelines side right now?", PIPELINES)
    assert planned[0][0] == "list_runs" and "pipeline" not in planned[0][1]


def test_a_read_that_names_something_missing_is_retried_with_the_one_suggested_name() -> None:
    missing = {"code": "PipelineNotFound", "message": "No pipeline 'iirs'.", "suggestions": ["iris"]}
    done = [Executed("get_pipeline", {"pipeline": "iirs"}, False, None, missing)]
    planned, _ = steps("which settings does the iirs pipeline take?", PIPELINES, done=done)
    assert planned == [("get_pipeline", {"pipeline": "iirs"}), ("get_pipeline", {"pipeline": "iris"})]
    two = {**missing, "suggestions": ["iris", "irises"]}
    planned, _ = steps(
        "which settings does the iirs pipeline take?",
        PIPELINES,
        done=[Executed("get_pipeline", {"pipeline": "iirs"}, False, None, two)],
    )
    assert planned == [("get_pipeline", {"pipeline": "iirs"})]  # two candidates: the answer asks which
    gone = {"code": "NoSuchBucket", "message": "Bucket 'tmp-1' does not exist.", "suggestions": ["tmp-2"]}
    planned, _ = steps(
        "delete the bucket tmp-1", STORAGE, done=[Executed("delete_bucket", {"bucket": "tmp-1"}, False, None, gone)]
    )
    assert planned == [("delete_bucket", {"bucket": "tmp-1"})]  # a change is never retried on a guess


def test_a_request_naming_a_file_needs_less_confidence_to_act_on(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unsure:
        def rank(self, text: str, allowed: set[str] | None = None) -> list[catalog.Ranked]:
            return [catalog.Ranked("preview_object", planning.MIN_SCORE - 0.1), catalog.Ranked(catalog.NOBODY, -1.5)]

    monkeypatch.setattr(planning, "intents", lambda: Unsure())
    assert planning.choose("did the deploy in ops-7/deploy.log go through?", STORAGE) == ["preview_object"]
    assert planning.choose("did the deploy go through?", STORAGE) == []  # nothing named: ask instead
    # One clause of several keeps the stricter floor: a statement there is not a request.
    assert planning.choose("the file a/b.csv sits in x-1", STORAGE, planning.SPLIT_SCORE) == []


def test_a_change_is_never_made_on_the_lower_confidence_a_named_file_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unsure:
        def rank(self, text: str, allowed: set[str] | None = None) -> list[catalog.Ranked]:
            return [catalog.Ranked("delete_objects", planning.MIN_SCORE - 0.1), catalog.Ranked(catalog.NOBODY, -1.5)]

    monkeypatch.setattr(planning, "intents", lambda: Unsure())
    assert planning.choose("did the deploy in ops-7/deploy.log go through?", STORAGE) == []


def test_a_change_is_never_chosen_because_it_fills_more_than_the_read_that_was_meant() -> None:
    said = planning.Said.of("have a look at ml-models for me")
    assert planning.fillable(["stat_object", "delete_bucket"], said, ThreadMemory()) == ("stat_object", None)
    assert planning.fillable(["stat_object", "list_objects"], said, ThreadMemory()) == (
        "list_objects",
        {"bucket": "ml-models"},
    )


def test_a_docs_follow_up_is_searched_with_the_question_it_continues() -> None:
    from agents.planner.memory import remember

    asked = Executed("search_docs", {"query": "how do I turn caching off for one step?"}, True, {}, None)
    planned, _ = steps("and for a whole pipeline?", DOCS, remember([asked]))
    assert planned == [("search_docs", {"query": "how do I turn caching off for one step? and for a whole pipeline?"})]
    from agents.planner.fill import fill

    fresh = fill(catalog.tools()["search_docs"], planning.Said.of("what is a pipeline root?"), remember([asked]))
    assert fresh == {"query": "what is a pipeline root?"}  # a new question is searched on its own


def test_folders_are_keys_to_download_and_places_to_upload_into() -> None:
    assert steps("fetch everything under logs/2025-01/ from ops-9 into a local folder called jan", STORAGE)[0] == [
        ("download", {"bucket": "ops-9", "key": "logs/2025-01/", "local_path": "jan"})
    ]
    assert steps("download everything in s3://ops-9/logs/ into a folder named logs", STORAGE)[0] == [
        ("download", {"bucket": "ops-9", "key": "logs/", "local_path": "logs"})
    ]
    assert steps("put data/p-1.csv into the lake-2 bucket under raw/2025/, same file name", STORAGE)[0] == [
        ("upload", {"local_path": "data/p-1.csv", "bucket": "lake-2", "key": "raw/2025/"})
    ]


def test_it_after_an_object_was_in_play_is_that_object_not_its_bucket() -> None:
    memory = ThreadMemory(bucket="app-7", key="conf.yaml")
    said = planning.Said.of("that was the wrong file, take it back out of the bucket")
    assert planning.fillable(["delete_bucket", "list_buckets"], said, memory) == (
        "delete_objects",
        {"bucket": "app-7", "keys": ["conf.yaml"]},
    )
    # A change far below the best reading is never a candidate, however well it fills.
    assert all(not catalog.tools()[t].mutating for t in planning.choose("what's in it?", STORAGE)[1:])


def test_singling_out_a_listed_object_is_a_request_for_it_whatever_it_reads_like() -> None:
    memory = ThreadMemory(bucket="exports-2", keys=["a.csv", "old-dump.sql", "b.csv"])
    memory.buckets.add("exports-2")
    task = "remove that .sql one, it shouldn't be in there"
    planned, p = steps(task, STORAGE, memory)
    assert planned == [("list_objects", {"bucket": "exports-2", "limit": 1000})] and p.pending
    listing = {"objects": [{"key": k} for k in memory.keys]}
    done = [Executed("list_objects", planned[0][1], True, listing, None)]
    memory = ThreadMemory(bucket="exports-2", keys=["a.csv", "old-dump.sql", "b.csv"])
    assert steps(task, STORAGE, memory, done)[0][1] == (
        "delete_objects",
        {"bucket": "exports-2", "keys": ["old-dump.sql"]},
    )
    assert steps("thanks, that is all", STORAGE, memory)[0] == []


def test_a_plan_goes_on_after_a_failure_only_to_retry_it_with_the_errors_suggestion() -> None:
    from agents.planner.plan import Plan, Step
    from agents.planner.steps import advance

    missing = {"code": "NoSuchKey", "message": "No object 'a.csv' in bucket 'b-1'.", "suggestions": ["a2.csv"]}
    failed = [Executed("upload", {"local_path": "a.csv", "bucket": "b-1"}, False, None, missing)]
    two_uploads = Plan(
        [
            Step("upload", {"local_path": "a.csv", "bucket": "b-1"}),
            Step("upload", {"local_path": "c.csv", "bucket": "b-1"}),
        ]
    )
    assert not advance(two_uploads, failed, lambda: "id").tool_calls  # another step of the same tool is no retry
    retry = Plan(
        [
            Step("stat_object", {"bucket": "b-1", "key": "a.csv"}),
            Step("stat_object", {"bucket": "b-1", "key": "a2.csv"}, retry=True),
        ]
    )
    stat_failed = [Executed("stat_object", {"bucket": "b-1", "key": "a.csv"}, False, None, missing)]
    assert advance(retry, stat_failed, lambda: "id").tool_calls[0]["args"] == {"bucket": "b-1", "key": "a2.csv"}


@pytest.mark.parametrize(
    ("request_", "allowed", "expected"),
    [
        # "photos": a word no example uses, read as the word they use for it ("files").
        ("how many photos does img-archive-3 hold?", STORAGE, [("list_objects", {"bucket": "img-archive-3"})]),
        # A name that is no English word makes a hesitant reading that only looks good enough to act on.
        (
            "suppose someone wipes a report in fin-docs-2, can it be recovered?",
            STORAGE,
            [("get_bucket_versioning", {"bucket": "fin-docs-2"})],
        ),
        # "did nightly run with": the run's name is the subject of the verb.
        ("what did nightly run with", PIPELINES, [("get_run", {"run": "nightly"})]),
    ],
)
def test_unfamiliar_words_and_bare_names(request_: str, allowed: set[str], expected: list[Any]) -> None:
    assert steps(request_, allowed)[0] == expected


def test_synonyms_map_to_words_the_examples_use() -> None:
    """A synonym mapped to a word no example uses would carry no signal: the table must follow the examples."""
    from agents.planner.synonyms import SYNONYMS

    used = {
        w for spec, _ in catalog.specs().values() for text in spec.examples for w in re.findall(r"[a-z]+", text.lower())
    }
    assert {canonical for canonical in SYNONYMS.values() if canonical not in used} == set()


@pytest.mark.parametrize(
    ("request_", "allowed", "expected"),
    [
        # A choice argument is read by its own words (get_run_plots' plot).
        ("and the roc curve of run rf-7?", PIPELINES, [("get_run_plots", {"run": "rf-7", "plot": "roc_curve"})]),
        (
            "which features did my newest run rely on most",
            PIPELINES,
            [("get_run_plots", {"run": "latest", "plot": "feature_importance"})],
        ),
        # ...and by the words its tool declares for it (Slot.says): nobody says "confusion matrix".
        (
            "which classes does the most recent run mix up?",
            PIPELINES,
            [("get_run_plots", {"run": "latest", "plot": "confusion_matrix"})],
        ),
        (
            "show the plots of run rf-7: the inputs it leans on",
            PIPELINES,
            [("get_run_plots", {"run": "rf-7", "plot": "feature_importance"})],
        ),
        ("show me the broken runs", PIPELINES, [("list_runs", {"state": "FAILED"})]),
        ("show me failed and finished runs", PIPELINES, [("list_runs", {})]),  # two states: no filter guessed
        # A metric is a word that names a score; a column follows its noun, or is a score's name;
        # x follows "against" (misspelt too), "vs" or "per".
        (
            "plot the f1_macro of every churn run",
            PIPELINES,
            [("plot_metric_history", {"metric": "f1_macro", "pipeline": "churn"})],
        ),
        (
            "graph the column val_loss of s3://exp/h.csv against step",
            STORAGE,
            [("plot_object", {"bucket": "exp", "key": "h.csv", "columns": ["val_loss"], "x": "step"})],
        ),
        (
            "grpah s3://exp/h.csv's val_loss colum agianst the epoch",
            STORAGE,
            [("plot_object", {"bucket": "exp", "key": "h.csv", "columns": ["val_loss"], "x": "epoch"})],
        ),
        (
            "can u plot the loss per step in exp/h.csv",
            STORAGE,
            [("plot_object", {"bucket": "exp", "key": "h.csv", "columns": ["loss"], "x": "step"})],
        ),
    ],
)
def test_chart_requests(request_: str, allowed: set[str], expected: list[Any]) -> None:
    assert steps(request_, allowed)[0] == expected


def test_a_request_for_scores_across_runs_stays_with_the_tool_that_reports_them() -> None:
    """ "Tell me its accuracy" after a run is read from the run's metrics artifact by the storage agent;
    a chart of the accuracy over runs (or a run's confusion matrix) reports the scores itself."""
    from agents.planner.router import split_by_specialist

    both = ["storage", "pipelines"]
    trend = "plot the precision of every fraud run over time"
    assert split_by_specialist(trend, both) == [("pipelines", trend)]
    assert [owner for owner, _ in split_by_specialist("run the iris pipeline and tell me its accuracy", both)] == [
        "pipelines",
        "storage",
    ]


def test_a_score_asked_after_a_file_is_the_files() -> None:
    from agents.planner.router import split_by_specialist

    request = "peek at scores/final.json in model-reports and tell me what the accuracy figure is"
    assert split_by_specialist(request, ["storage", "pipelines", "docs"]) == [("storage", request)]


def test_storage_keeps_a_score_question_when_a_runs_metrics_are_in_play() -> None:
    """The router hands "what accuracy did it get" to storage after a run: it reads the Metrics artifact
    instead of passing the question on to the pipelines agent, whose chart tools also speak of accuracy."""
    from agents.planner.peers import _owner_elsewhere

    ask = "what accuracy did it end up with"
    in_play = ThreadMemory(metrics_uri="s3://mlpipeline/v2/artifacts/iris/r-1/evaluate/metrics")
    assert _owner_elsewhere("storage", ["pipelines"], ask, in_play) is None


def test_a_runs_output_is_looked_up_through_the_run_then_fetched_from_the_store() -> None:
    """ "download the model my latest run produced": the run lists its artifacts (pipelines), the
    storage step takes the one the request names; with no run named, the newest run."""
    from agents.planner.router import split_by_specialist

    everyone = ["storage", "pipelines", "docs"]
    request = "download the model file my latest iris run produced to ./model.pkl"
    assert split_by_specialist(request, everyone) == [("pipelines", "show run latest"), ("storage", request)]
    named = "grab the model artifact of run rf-7 and save it as model.pkl"
    assert split_by_specialist(named, everyone)[0] == ("pipelines", "show run rf-7")
    assert split_by_specialist("download model.pkl from ml-models", everyone) == [
        ("storage", "download model.pkl from ml-models")
    ]  # no run said: the store alone
    plots = "pull up all of the evaluation plots run q3-candidate produced"
    assert split_by_specialist(plots, everyone) == [("pipelines", plots)]  # get_run_plots reports them itself
    base = "s3://mlpipeline/v2/artifacts/iris/r-9"
    memory = ThreadMemory(artifacts=[f"{base}/train/model", f"{base}/evaluate/metrics"], runs=["r-9", "rf-7"])
    expected = {"bucket": "mlpipeline", "key": "v2/artifacts/iris/r-9/train/model"}
    assert steps(request, STORAGE, memory)[0] == [("download", {**expected, "local_path": "./model.pkl"})]
    assert steps(named, STORAGE, memory)[0] == [("download", {**expected, "local_path": "model.pkl"})]
    assert split_by_specialist(request, everyone, memory) == [("storage", request)]  # the artifacts are in play
