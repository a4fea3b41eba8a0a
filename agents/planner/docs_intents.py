"""Which documentation action a request asks for: a question to answer, sources to list, inputs
to index."""

from __future__ import annotations

import re

from agents.planner.plan import Plan, Step

_HOWTO = re.compile(
    r"^\s*(?:(?:hey|hi|ok|so|please|pls)[\s,]+)*(?:how\s+(?:do|can|should|would|to|does|is|are)\b|how\?|"
    r"what\s+(?:is|are|does|do|'s)\s+(?:a|an|the)?\s*(?!in\b|inside\b)|what's\s+(?:a|an|the)\b|why\b|when\s+should|"
    r"explain\b|tell me about\b|is it possible\b|can i\b|where (?:do|can|should) i\b|which (?:method|function|api|"
    r"option|setting|flag)\b|difference between\b|docs?\b|documentation\b)",
    re.I,
)
_DOC_WORDS = re.compile(
    r"\b(docs?|documents?|documentation|sources|api reference|knowledge base|handbook|manual|guide)\b", re.I
)
_INDEX = re.compile(r"\b(index|ingest|add|load|import|learn|read)\b", re.I)
_LIST = re.compile(
    r"\b(what|which|list|show)\b.*\b(docs|documents|sources|knowledge base)\b.*\b(have|know|indexed|there)?", re.I
)
_INPUT = re.compile(
    r"(s3://[^\s,;'\"]+|(?:\.{0,2}/)?[\w.\-/~]+\.(?:md|markdown|txt|rst|html?|pdf)\b|"
    r"(?:\.{1,2}/|~/|/)[\w.\-/]+)",
    re.I,
)


def index_inputs(text: str) -> list[str]:
    return [m.group(1).rstrip(".,") for m in _INPUT.finditer(text)]


def is_index_request(text: str) -> bool:
    low = text.lower()
    return (
        bool(_INDEX.search(low))
        and bool(index_inputs(text))
        and bool(re.search(r"\b(index|ingest|knowledge base|docs|documentation|so you can answer|learn)\b", low))
    )


def is_docs_request(text: str) -> bool:
    if is_index_request(text):
        return True
    if _LIST.search(text) and _DOC_WORDS.search(text):
        return True
    return bool(_HOWTO.search(text)) or bool(
        re.search(r"\b(in|from|according to) the (docs|documentation)\b", text, re.I)
    )


def question_of(text: str) -> str:
    """The question to search for, without chatty lead-ins."""
    q = re.sub(r"^\s*(?:(?:hey|hi|ok|so|please|pls)[\s,]+)+", "", text.strip())
    q = re.sub(
        r"^(?:can you |could you )?(?:tell me|explain|look up|check the docs(?: for)?)[:,]?\s*", "", q, flags=re.I
    )
    return q.strip() or text.strip()


def plan_docs(text: str) -> Plan:
    if is_index_request(text):
        return Plan(steps=[Step("index_documents", {"inputs": index_inputs(text)})])
    if _LIST.search(text) and _DOC_WORDS.search(text) and not _HOWTO.search(text.replace("what docs", "")):
        return Plan(steps=[Step("list_sources", {})])
    return Plan(steps=[Step("search_docs", {"query": question_of(text)})])
