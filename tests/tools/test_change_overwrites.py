"""Previews say whether a change replaces something that exists, as data a surface can act on."""

from __future__ import annotations

import io
from pathlib import Path

from tests.tools import storage_ctx
from tools.base import assess_change
from tools.storage.object_ops import COPY_OBJECT, MOVE_OBJECT
from tools.storage.transfer import DOWNLOAD, UPLOAD


def test_uploads_copies_moves_and_downloads_know_when_they_overwrite(s3_endpoint: str, tmp_path: Path) -> None:
    ctx = storage_ctx(s3_endpoint, tmp_path)
    ctx.client.make_bucket("overwrite-check")
    ctx.client.put_object("overwrite-check", "taken.csv", io.BytesIO(b"old"), 3)
    (tmp_path / "taken.csv").write_text("new")
    (tmp_path / "fresh.csv").write_text("new")

    def overwrites(tool: object, **args: object) -> bool:
        change = assess_change(tool, args, ctx)  # type: ignore[arg-type]
        assert change.text  # the sentence is always there
        return change.overwrites

    assert overwrites(UPLOAD, local_path="taken.csv", bucket="overwrite-check")
    assert not overwrites(UPLOAD, local_path="fresh.csv", bucket="overwrite-check")
    assert (
        overwrites(
            COPY_OBJECT,
            src_bucket="overwrite-check",
            src_key="taken.csv",
            dst_bucket="overwrite-check",
            dst_key="taken.csv",
        )
        is False
    )
    ctx.client.put_object("overwrite-check", "other.csv", io.BytesIO(b"x"), 1)
    assert overwrites(
        COPY_OBJECT,
        src_bucket="overwrite-check",
        src_key="other.csv",
        dst_bucket="overwrite-check",
        dst_key="taken.csv",
    )
    assert not overwrites(
        MOVE_OBJECT,
        src_bucket="overwrite-check",
        src_key="other.csv",
        dst_bucket="overwrite-check",
        dst_key="moved.csv",
    )
    assert overwrites(DOWNLOAD, bucket="overwrite-check", key="taken.csv", local_path="taken.csv")
    assert not overwrites(DOWNLOAD, bucket="overwrite-check", key="taken.csv", local_path="elsewhere.csv")
