"""Validate a CSV that lives in the object store.

The component reads credentials from the environment (SWARMOPS_S3_ENDPOINT, SWARMOPS_S3_ACCESS_KEY,
SWARMOPS_S3_SECRET_KEY, SWARMOPS_S3_SECURE): the embedded KFP API passes them to every run, and
on a cluster you would mount them from a Kubernetes secret. Checks that fail make the task fail
with a message that says which check and why, so the run ends FAILED with a useful error.
"""

from kfp import dsl
from kfp.dsl import Metrics, Output

BASE_IMAGE = "python:3.11-slim"


@dsl.component(base_image=BASE_IMAGE, packages_to_install=["minio"])
def validate_csv(
    bucket: str, key: str, required_columns: str, max_empty_fraction: float, min_rows: int, metrics: Output[Metrics]
) -> str:
    """Read the object, then check row count, required columns and the share of empty cells."""
    import csv
    import io
    import os

    from minio import Minio

    client = Minio(
        os.environ["SWARMOPS_S3_ENDPOINT"],
        access_key=os.environ["SWARMOPS_S3_ACCESS_KEY"],
        secret_key=os.environ["SWARMOPS_S3_SECRET_KEY"],
        secure=os.environ.get("SWARMOPS_S3_SECURE", "false").lower() == "true",
    )
    response = client.get_object(bucket, key)
    try:
        text = response.read().decode("utf-8", errors="replace")
    finally:
        response.close()
        response.release_conn()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError(f"s3://{bucket}/{key} is empty")
    header, body = rows[0], rows[1:]
    cells = sum(len(r) for r in body) or 1
    empty = sum(1 for r in body for c in r if not c.strip()) / cells
    metrics.log_metric("rows", len(body))
    metrics.log_metric("columns", len(header))
    metrics.log_metric("empty_fraction", round(empty, 4))
    problems = []
    wanted = [c.strip() for c in required_columns.split(",") if c.strip()]
    missing = [c for c in wanted if c not in header]
    if missing:
        problems.append(f"missing required columns {missing} (found {header})")
    if len(body) < min_rows:
        problems.append(f"only {len(body)} rows, fewer than min_rows={min_rows}")
    if empty > max_empty_fraction:
        problems.append(f"{empty:.1%} of cells are empty, more than max_empty_fraction={max_empty_fraction:.1%}")
    metrics.log_metric("passed", 0 if problems else 1)
    if problems:
        raise ValueError(f"validation of s3://{bucket}/{key} failed: " + "; ".join(problems))
    summary = f"s3://{bucket}/{key}: {len(body)} rows, {len(header)} columns, {empty:.1%} empty cells: OK"
    print(summary)
    return summary


@dsl.pipeline(name="data-validation", description="Check a CSV in the object store.")
def data_validation_pipeline(
    bucket: str, key: str, required_columns: str = "", max_empty_fraction: float = 0.1, min_rows: int = 1
) -> str:
    task = validate_csv(
        bucket=bucket,
        key=key,
        required_columns=required_columns,
        max_empty_fraction=max_empty_fraction,
        min_rows=min_rows,
    )
    return task.outputs["Output"]
