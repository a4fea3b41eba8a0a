"""The same KnowledgeBase against a Chroma server (`chroma run`, shipped with the chromadb package)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.documents import Document
from knowledge.store import KnowledgeBase, KnowledgeStoreError
from tests.knowledge import shared_embedder

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip("chroma CLI not installed next to this Python")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_server_mode_behaves_like_local(chroma_url: str) -> None:
    kb = KnowledgeBase(chroma_url=chroma_url, collection="server-test", embedder=shared_embedder())
    docs = [
        Document("notes/caching", "Disable caching for one task with set_caching_options(False).", "text", "Caching"),
        Document("notes/buckets", "Buckets hold objects; presigned URLs share them.", "text", "Buckets"),
    ]
    report = kb.index(docs, origins=["notes"])
    assert sorted(report.added) == ["notes/buckets", "notes/caching"]
    assert kb.index(docs).unchanged == ["notes/caching", "notes/buckets"]
    for mode in ("dense", "hybrid"):
        assert kb.search("turn off the cache", 1, mode=mode)[0].source == "notes/caching"
    assert kb.search("share a file", 1, source="notes/b")[0].source == "notes/buckets"
    # A second client (another process would see the same) finds the same index.
    other = KnowledgeBase(chroma_url=chroma_url, collection="server-test", embedder=shared_embedder())
    assert [s.source for s in other.sources()] == ["notes/buckets", "notes/caching"]
    assert other.remove("notes/buckets") == 1
    assert kb.search("share a file", 2, mode="hybrid")[0].source == "notes/caching"  # kb sees the change


def test_unreachable_server_fails_fast() -> None:
    started = time.monotonic()
    with pytest.raises(KnowledgeStoreError, match="cannot reach Chroma"):
        KnowledgeBase(chroma_url=f"http://127.0.0.1:{free_port()}", timeout=2).count()
    assert time.monotonic() - started < 5


def test_the_app_opens_its_knowledge_on_a_configured_server(chroma_url: str, tmp_path: Path) -> None:
    """SWARMOPS_CHROMA_URL used to fail every docs question: a local path was passed with the URL."""
    from swarmops.backends import Backends
    from swarmops.settings import Settings

    settings = Settings(data_dir=tmp_path, chroma_url=chroma_url, s3_endpoint=None, kfp_host=None)
    with Backends(settings) as backends:
        kb = backends.open_knowledge(builtin=False)
        assert kb.chroma_url == chroma_url and kb.path is None
        kb.count()  # reaches the server
    assert not (tmp_path / "knowledge" / "chroma.sqlite3").exists(), "no local index beside the server's"
