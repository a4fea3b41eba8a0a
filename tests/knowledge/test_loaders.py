"""Loading files, directories and s3:// prefixes into Documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from knowledge.loaders import PAGE_BREAK, KnowledgeInputError, load_input, load_path
from tests.knowledge import make_pdf


def write_tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "guide.md").write_text("# Guide\n\nHello.\n")
    (root / "notes.txt").write_text("plain notes")
    (root / "sub" / "page.html").write_text("<html><head><title>Page T</title></head><body><p>x</p></body></html>")
    (root / "sub" / "paper.pdf").write_bytes(make_pdf(["first page", "second page"], title="Paper"))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf at all")
    (root / "empty.md").write_text("   \n")
    (root / "image.png").write_bytes(b"\x89PNG\r\n")
    (root / ".hidden.md").write_text("# secret")


def test_directory_formats_failures_and_skips(tmp_path: Path) -> None:
    write_tree(tmp_path)
    result = load_path(tmp_path)
    docs = {Path(d.source).name: d for d in result.documents}
    assert set(docs) == {"guide.md", "notes.txt", "page.html", "paper.pdf"}
    assert {d.origin for d in docs.values()} == {str(tmp_path.resolve())}
    assert docs["guide.md"].format == "markdown" and docs["guide.md"].title == "Guide"
    assert docs["notes.txt"].format == "text" and docs["notes.txt"].title == "notes"
    assert docs["page.html"].format == "html" and docs["page.html"].title == "Page T"
    pdf = docs["paper.pdf"]
    assert pdf.format == "pdf" and pdf.title == "Paper" and pdf.text.split(PAGE_BREAK) == ["first page", "second page"]
    assert all(d.hash and Path(d.source).is_absolute() for d in docs.values())
    assert [(Path(s).name, r.split(":")[0]) for s, r in result.failed] == [("broken.pdf", "corrupt PDF")]
    assert {Path(s).name: r for s, r in result.skipped} == {
        "empty.md": "no text",
        "image.png": "unsupported file type .png",
    }


def test_single_file_is_its_own_origin(tmp_path: Path) -> None:
    f = tmp_path / "one.md"
    f.write_text("# One\n\nBody")
    result = load_input(str(f))
    assert result.origin == str(f.resolve())
    assert [d.source for d in result.documents] == [str(f.resolve())]


def test_explicit_unsupported_file_fails(tmp_path: Path) -> None:
    f = tmp_path / "data.csv"
    f.write_text("a,b")
    result = load_path(f)
    assert result.documents == [] and result.failed == [(str(f.resolve()), "unsupported file type .csv")]


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(KnowledgeInputError) as info:
        load_input(str(missing))
    assert info.value.path == str(missing) and "no such file" in str(info.value) and str(missing) in str(info.value)


def test_s3_without_client_is_an_error() -> None:
    with pytest.raises(KnowledgeInputError, match="object storage"):
        load_input("s3://bucket/docs")


@pytest.fixture
def s3(s3_endpoint: str):
    from minio import Minio

    client = Minio(s3_endpoint, "testing", "testing", secure=False)
    client.make_bucket("kb-docs")

    def put(key: str, data: bytes) -> None:
        client.put_object("kb-docs", key, io.BytesIO(data), len(data))

    put("docs/a.md", b"# Alpha\n\nAbout alpha.")
    put("docs/sub/b.html", b"<h1>Beta</h1><p>About beta.</p>")
    put("docs/c.pdf", make_pdf(["gamma page"]))
    put("docs/bad.pdf", b"%PDF-1.4 broken")
    put("docs/d.bin", b"\x00\x01")
    put("docs-old/x.md", b"# not under docs/")
    return client


def test_s3_prefix(s3) -> None:
    result = load_input("s3://kb-docs/docs", minio_client=s3)
    assert result.origin == "s3://kb-docs/docs/"
    assert sorted(d.source for d in result.documents) == [
        "s3://kb-docs/docs/a.md",
        "s3://kb-docs/docs/c.pdf",
        "s3://kb-docs/docs/sub/b.html",
    ]
    assert {d.origin for d in result.documents} == {"s3://kb-docs/docs/"}
    assert [s for s, _ in result.failed] == ["s3://kb-docs/docs/bad.pdf"]
    assert [s for s, _ in result.skipped] == ["s3://kb-docs/docs/d.bin"]


def test_s3_single_key_and_errors(s3) -> None:
    one = load_input("s3://kb-docs/docs/a.md", minio_client=s3)
    assert one.origin == "s3://kb-docs/docs/a.md" and [d.title for d in one.documents] == ["Alpha"]
    with pytest.raises(KnowledgeInputError, match="does not exist"):
        load_input("s3://missing-bucket/docs", minio_client=s3)
    with pytest.raises(KnowledgeInputError, match="no objects"):
        load_input("s3://kb-docs/nothing-here/", minio_client=s3)
