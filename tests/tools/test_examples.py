"""Every registered tool carries its own example requests (the fast router routes by them)."""

from __future__ import annotations

import pytest

from tools.base import ToolSpec
from tools.docs.tools import DOCS_TOOLS
from tools.kfp import KFP_TOOLS
from tools.storage import STORAGE_TOOLS

REGISTERED = [*STORAGE_TOOLS, *KFP_TOOLS, *DOCS_TOOLS]


@pytest.mark.parametrize("tool", REGISTERED, ids=lambda t: t.name)
def test_every_tool_has_varied_examples(tool: ToolSpec) -> None:
    examples = [e.strip().lower() for e in tool.examples]
    assert len(examples) >= 5, f"{tool.name} has {len(examples)} examples; give it at least five phrasings"
    assert len(set(examples)) == len(examples), f"{tool.name} repeats an example"


def test_examples_are_only_for_registered_tools() -> None:
    from tools.docs.examples import EXAMPLES as DOCS
    from tools.kfp.examples import EXAMPLES as KFP
    from tools.storage.examples import EXAMPLES as STORAGE

    for registry, examples in ((STORAGE_TOOLS, STORAGE), (KFP_TOOLS, KFP), (DOCS_TOOLS, DOCS)):
        assert set(examples) == {t.name for t in registry}
