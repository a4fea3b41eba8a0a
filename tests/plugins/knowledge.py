"""Knowledge bases for tests: the built-in corpus indexed once per session, and empty ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def embedder() -> Any:
    """One embedding model for the whole session (loading torch costs seconds)."""
    from tests.knowledge import shared_embedder

    return shared_embedder()


@pytest.fixture(scope="session")
def builtin_kb(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    """The built-in corpus (swarmops docs + kfp/minio API reference), indexed for real."""
    from knowledge.builtin import BUILTIN_ORIGINS, builtin_documents
    from knowledge.store import KnowledgeBase

    kb = KnowledgeBase(tmp_path_factory.mktemp("builtin-kb"), embedder=embedder)
    kb.index(builtin_documents(), origins=BUILTIN_ORIGINS)
    return kb


@pytest.fixture
def make_kb(tmp_path: Path, embedder: Any) -> Callable[..., Any]:
    from knowledge.store import KnowledgeBase

    def make(name: str = "kb", **kwargs: Any) -> Any:
        return KnowledgeBase(tmp_path / name, embedder=embedder, **kwargs)

    return make
