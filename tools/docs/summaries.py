"""How each documentation tool's result reads to a person (`ToolSpec.summary`).

A search is summarised as an extractive answer: the best passages, trimmed, each cited [n], with
the source list; below the relevance threshold it says it doesn't know. Passages are only ever
quoted, never followed.
"""

from __future__ import annotations

import re

from tools.summaries import Args, Data, Summary

MAX_PASSAGES = 3
SENTENCES = 4


def _trim(text: str) -> str:
    """The first few sentences of a passage; code blocks are kept whole (trimming breaks them)."""
    if "```" in text:
        return text.strip()
    flat = re.sub(r"\s+", " ", text).strip()
    parts = re.split(r"(?<=[.!?])\s+", flat)
    out = " ".join(parts[:SENTENCES])
    return out + (" …" if len(parts) > SENTENCES else "")


#: Names that look like code: dotted API paths, SETTING_NAMES, snake_case functions.
_CODE_NAME = re.compile(r"\b(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[a-z]+_[a-z0-9_]+\b")


def _unmentioned(query: str, passages: list[dict[str, str]]) -> str:
    """The code-like names the question asks about that no passage mentions, quoted ("" if none).

    Passages near a question about `kfp.Client.retrain_everything` are about its neighbours; an
    answer quoting them must not read as if the method existed.
    """
    text = " ".join(str(p.get("text", "")) + " " + str(p.get("source", "")) for p in passages).lower()
    names = [n for n in _CODE_NAME.findall(query) if not re.fullmatch(r"[\w-]+\.(?:py|md|ya?ml|json|csv|txt)", n)]
    missing = [n for n in dict.fromkeys(names) if n.rsplit(".", 1)[-1].lower() not in text]
    return ", ".join(f"`{n}`" for n in missing)


def _answer(args: Args, data: Data) -> str:
    passages = data.get("passages") or []
    if not data.get("relevant"):
        best = data.get("best_score", 0)
        return (
            f'I don\'t know: nothing in the knowledge base is relevant enough to answer "{data.get("query")}" '
            f"(best match scored {best}, below {data.get('min_score')}). You can add documents with "
            "`swarmops index PATH_OR_URI` or ask me to index them."
        )
    chosen = passages[:MAX_PASSAGES]
    missing = _unmentioned(str(data.get("query") or ""), passages)
    lines = [
        f"I couldn't find {missing} in the documentation; the nearest passages:"
        if missing
        else "From the documentation:"
    ]
    for p in chosen:
        where = f" ({p['heading']})" if p.get("heading") else ""
        lines.append(f"\n[{p['n']}]{where}\n{_trim(p['text'])}")
    lines.append("\nSources:")
    for p in chosen:
        title = p.get("title") or p.get("heading") or ""
        lines.append(f"  [{p['n']}] {p['source']}" + (f" — {title}" if title else ""))
    return "\n".join(lines)


def _sources(args: Args, data: Data) -> str:
    d = data
    rows = d.get("sources", [])
    if not rows:
        return "The knowledge base is empty. Add documents with `swarmops index PATH_OR_URI`."
    origins = ", ".join(f"{k}: {v}" for k, v in (d.get("by_origin") or {}).items())
    shown = "\n".join(f"  • {r['source']}" + (f" — {r['title']}" if r.get("title") else "") for r in rows[:20])
    rest = f"\n  … and {d['count'] - 20} more" if d.get("count", 0) > 20 else ""
    return f"{d.get('count')} documents ({origins}):\n{shown}{rest}"


def _indexed(args: Args, data: Data) -> str:
    d = data
    parts = [
        f"{len(d.get('added', []))} added",
        f"{len(d.get('updated', []))} updated",
        f"{d.get('unchanged', 0)} unchanged",
        f"{len(d.get('removed', []))} removed",
    ]
    msg = f"Indexed: {', '.join(parts)} ({d.get('chunks_written', 0)} chunks, {d.get('seconds')} s)."
    if d.get("failed"):
        msg += "\nSkipped: " + "; ".join(f"{f['source']}: {f['reason']}" for f in d["failed"][:10])
    return msg


SUMMARIES: dict[str, Summary] = {"search_docs": _answer, "list_sources": _sources, "index_documents": _indexed}
