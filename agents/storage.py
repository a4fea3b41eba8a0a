"""The object-storage specialist: buckets, objects, artifacts and metrics over the minio SDK."""

from __future__ import annotations

from agents.registry import Specialist
from tools.storage import STORAGE_TOOLS, StorageContext

DESCRIPTION = (
    "Object storage (MinIO/S3): list, create and delete buckets; list, inspect, preview, upload, "
    "download, copy, move, tag and delete objects; presigned links; bucket versioning. Pipeline "
    "artifacts and metrics live here too."
)


PROMPT = (
    "Kubeflow pipeline runs keep their artifacts at s3://mlpipeline/v2/artifacts/<pipeline>/<run-id>/<task>/"
    "<artifact>; a Metrics artifact is a JSON object of metric values (preview_object reads it), and task "
    "logs are at s3://mlpipeline/v2/logs/<pipeline>/<run-id>/<task>.log."
)


def storage_specialist(ctx: StorageContext) -> Specialist:
    return Specialist(
        name="storage",
        description=DESCRIPTION,
        prompt=PROMPT,
        tools=list(STORAGE_TOOLS),
        context=ctx,
        examples=["upload train.csv to raw-data", "what is in demo-data?", "share s3://models/model.pkl"],
    )
