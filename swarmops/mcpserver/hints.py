"""What an MCP host is told about each tool: a title a person can read, and honest hints.

Declared per tool, like `mutating` on the tool itself; tests/swarmops/mcpserver/test_hints.py fails
when a tool has no entry, so a new tool cannot reach MCP hosts undescribed. `level` is what the
server needs to list it: "read" always, "write" with --allow-write (creates, uploads, submits),
"delete" with --allow-delete (deletes, moves, terminate). `may_overwrite` tools are write-level,
but a call that would replace something that exists also needs --allow-delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["read", "write", "delete"]


@dataclass(frozen=True)
class Hints:
    title: str
    level: Level = "read"
    idempotent: bool = True
    may_overwrite: bool = False

    @property
    def destructive(self) -> bool:
        return self.level == "delete" or self.may_overwrite


HINTS: dict[str, Hints] = {
    # storage
    "list_buckets": Hints("List buckets"),
    "create_bucket": Hints("Create a bucket", "write"),
    "delete_bucket": Hints("Delete a bucket", "delete"),
    "list_objects": Hints("List objects in a bucket"),
    "stat_object": Hints("Object details (size, type, date)"),
    "preview_object": Hints("Preview an object's content"),
    "plot_object": Hints("Plot columns of a CSV object"),
    "upload": Hints("Upload files to a bucket", "write", may_overwrite=True),
    "download": Hints("Download objects to local disk", "write", may_overwrite=True),
    "copy_object": Hints("Copy an object", "write", may_overwrite=True),
    "move_object": Hints("Move or rename an object", "delete", idempotent=False),
    "delete_objects": Hints("Delete objects", "delete"),
    "presign_url": Hints("Make a temporary share link"),
    "get_bucket_versioning": Hints("Bucket versioning status"),
    "set_bucket_versioning": Hints("Turn bucket versioning on or off", "write"),
    "get_object_tags": Hints("Object tags"),
    "set_object_tags": Hints("Replace an object's tags", "write", may_overwrite=True),
    # pipelines
    "list_pipelines": Hints("List pipelines"),
    "get_pipeline": Hints("Pipeline details and parameters"),
    "upload_pipeline": Hints("Register a pipeline", "write", idempotent=False),
    "upload_pipeline_version": Hints("Add a pipeline version", "write", idempotent=False),
    "list_experiments": Hints("List experiments"),
    "create_experiment": Hints("Create an experiment", "write"),
    "submit_run": Hints("Start a pipeline run", "write", idempotent=False),
    "list_runs": Hints("List runs"),
    "get_run": Hints("Run details, tasks and artifacts"),
    "wait_for_run": Hints("Wait for a run to finish"),
    "terminate_run": Hints("Stop a running run", "delete"),
    "get_task_logs": Hints("Logs of a run's task"),
    "compare_runs": Hints("Compare runs' parameters and metrics"),
    "get_run_plots": Hints("Plots of a run (confusion matrix, ROC, feature importance)"),
    "plot_metric_history": Hints("Plot a metric across runs"),
    # docs
    "search_docs": Hints("Search the documentation"),
    "list_sources": Hints("List indexed documents"),
    "index_documents": Hints("Add documents to the knowledge base", "write"),
}
