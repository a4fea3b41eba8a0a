"""Documentation (RAG) tools over the knowledge base."""

from tools.docs.context import DEFAULT_MIN_SCORE, DocsContext
from tools.docs.tools import DOCS_TOOLS

__all__ = ["DEFAULT_MIN_SCORE", "DOCS_TOOLS", "DocsContext"]
