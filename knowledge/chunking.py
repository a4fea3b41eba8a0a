"""Structure-aware chunking: split where the author did (headings, paragraphs, code fences).

Size: ~800 characters per chunk (~150-200 MiniLM tokens) keeps every text chunk under the embedding
model's 256-token window, so nothing is silently truncated, while still holding a whole paragraph
or two. Code blocks are the exception: they are kept whole however long, because half a snippet
is worse than a truncated embedding of a whole one (the stored text is always complete).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from knowledge.documents import Chunk, Document
from knowledge.loaders import PAGE_BREAK

#: Bump when chunking changes what it produces: stored documents are then re-chunked on the next
#: index pass even though their text is unchanged.
CHUNKER_VERSION = 2
TARGET_CHARS = 800
#: A single paragraph up to this size stays whole; longer ones are cut into overlapping windows.
MAX_CHARS = 1200
OVERLAP_CHARS = 120


@dataclass(frozen=True)
class Block:
    """One structural unit before packing: a paragraph, list, table or code block."""

    text: str
    headings: tuple[str, ...]
    kind: Literal["text", "code"] = "text"


def chunk_document(
    doc: Document,
    *,
    target_chars: int = TARGET_CHARS,
    max_chars: int = MAX_CHARS,
    overlap_chars: int = OVERLAP_CHARS,
) -> list[Chunk]:
    if doc.format == "markdown":
        blocks = markdown_blocks(doc.text)
    elif doc.format == "html":
        blocks = html_blocks(doc.text)
    elif doc.format == "pdf":
        blocks = pdf_blocks(doc.text)
    else:
        blocks = text_blocks(doc.text, rst=doc.source.lower().endswith(".rst"))
    texts = pack(blocks, target_chars=target_chars, max_chars=max(max_chars, target_chars), overlap=overlap_chars)
    return [Chunk(b.text, doc.source, b.headings, b.kind, i) for i, b in enumerate(texts)]


# --- packing ---------------------------------------------------------------------------------


def pack(blocks: Iterable[Block], *, target_chars: int, max_chars: int, overlap: int) -> list[Block]:
    """Greedily join consecutive text blocks of the same section up to the target size."""
    out: list[Block] = []
    parts: list[str] = []
    size = 0
    current: tuple[str, ...] = ()

    def flush() -> None:
        nonlocal parts, size
        if parts:
            out.append(Block("\n\n".join(parts), current))
        parts, size = [], 0

    for block in blocks:
        text = block.text.strip("\n")
        if not text.strip():
            continue
        if block.kind == "code":
            # "Call it like this:" belongs with the code it introduces, or neither half answers a question.
            lead = ""
            if parts and block.headings == current and parts[-1].rstrip().endswith(":") and len(parts[-1]) < 400:
                lead = parts.pop()
                size = max(0, size - len(lead) - 2)
            flush()
            out.append(Block(f"{lead}\n\n{text}" if lead else text, block.headings, "code"))
            continue
        if block.headings != current:
            flush()
            current = block.headings
        if len(text) > max_chars:
            flush()
            out.extend(Block(w, current) for w in windows(text, target_chars, overlap))
            continue
        if parts and size + 2 + len(text) > target_chars:
            flush()
        parts.append(text)
        size += len(text) + (2 if size else 0)
    flush()
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n|\n(?=\s*[-*+] |\s*\d+[.)] )")


def windows(text: str, target: int, overlap: int) -> list[str]:
    """Slices of the original text, cut at sentence ends, each overlapping the previous by <= overlap."""
    spans = list(_sentence_spans(text, target))
    out: list[str] = []
    i = 0
    while i < len(spans):
        start = spans[i][0]
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - start <= target:
            j += 1
        out.append(text[start : spans[j][1]].strip())
        if j + 1 >= len(spans):
            break
        # Step back over trailing sentences that fit in the overlap, but always make progress.
        k = j + 1
        while k - 1 > i and spans[j][1] - spans[k - 1][0] <= overlap:
            k -= 1
        i = k
    return [w for w in out if w]


def _sentence_spans(text: str, target: int) -> Iterator[tuple[int, int]]:
    """Sentence (start, end) offsets; a sentence longer than target is cut at word boundaries."""
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > pos:
            yield from _word_spans(text, pos, match.start(), target)
        pos = match.end()
    if pos < len(text):
        yield from _word_spans(text, pos, len(text), target)


def _word_spans(text: str, start: int, end: int, target: int) -> Iterator[tuple[int, int]]:
    while end - start > target:
        cut = text.rfind(" ", start + target // 2, start + target)
        if cut <= start:
            cut = start + target
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


# --- markdown --------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)


class _Headings:
    """Heading path that copes with skipped levels (h1 then h3)."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    def set(self, level: int, text: str) -> None:
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if text:
            self._stack.append((level, text))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(t for _, t in self._stack)


def markdown_blocks(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    offset = text[: front.end()].count("\n") if front else 0
    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").enable("table").parse(text[front.end() :] if front else text)
    headings = _Headings()
    blocks: list[Block] = []

    def source(start: int, end: int) -> str:
        return "\n".join(lines[start + offset : end + offset])

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.level != 0 or tok.map is None:
            i += 1
            continue
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            headings.set(int(tok.tag[1:]), inline.content.strip())
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block(source(*tok.map), headings.path, "code"))
        elif tok.type == "html_block":
            plain = _html_to_text(tok.content)
            if plain:
                blocks.append(Block(plain, headings.path))
        elif tok.type.endswith("_list_open") and _span_len(lines, tok.map, offset) > MAX_CHARS:
            # A long list is split per item so one item never straddles two chunks.
            for child in _children_maps(tokens, i, "list_item_open"):
                blocks.append(Block(source(*child), headings.path))
        elif tok.type != "hr":
            blocks.append(Block(source(*tok.map), headings.path))
        i += 1
    return blocks


def _span_len(lines: list[str], span: list[int], offset: int) -> int:
    return sum(len(line) + 1 for line in lines[span[0] + offset : span[1] + offset])


def _children_maps(tokens: list, open_index: int, child_type: str) -> Iterator[list[int]]:
    """Line maps of the direct children of the container opened at open_index."""
    level = tokens[open_index].level
    for tok in tokens[open_index + 1 :]:
        if tok.level == level:  # the matching close token
            return
        if tok.level == level + 1 and tok.type == child_type and tok.map is not None:
            yield tok.map


# --- html ------------------------------------------------------------------------------------

_HTML_SKIP = {"script", "style", "noscript", "template", "head", "nav", "svg", "button", "form"}
_HTML_BLOCK = {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "table", "thead", "tbody", "tr", "figure", "figcaption", "details", "summary", "body", "br", "hr",
}  # fmt: skip


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def html_blocks(html: str) -> list[Block]:
    """Walk the DOM in order: h1-h6 set the heading path, <pre> is code, block tags end a paragraph."""
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    root = soup.body or soup
    headings = _Headings()
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n", re.sub(r"[ \t\r\f\v]+", " ", "".join(buf))).strip()
        text = re.sub(r"\s*\|\s*$", "", text, flags=re.MULTILINE)
        buf.clear()
        if text:
            blocks.append(Block(text, headings.path))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _HTML_SKIP:
                continue
            name = child.name
            if re.fullmatch(r"h[1-6]", name):
                flush()
                headings.set(int(name[1]), child.get_text(" ", strip=True))
            elif name == "pre":
                flush()
                code = child.get_text().strip("\n")
                if code.strip():
                    blocks.append(Block(code, headings.path, "code"))
            elif name in _HTML_BLOCK:
                flush()
                if name == "li":
                    buf.append("- ")
                walk(child)
                flush()
            elif name in ("td", "th"):
                walk(child)
                buf.append(" | ")
            else:
                if name == "code":
                    buf.append("`")
                    walk(child)
                    buf.append("`")
                else:
                    walk(child)

    walk(root)
    flush()
    return blocks


# --- plain text and PDF ----------------------------------------------------------------------

_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")


def text_blocks(text: str, *, rst: bool = False) -> list[Block]:
    """Paragraphs by blank lines; underlined titles ("Intro\\n=====") become headings."""
    headings = _Headings()
    levels: dict[str, int] = {}
    blocks: list[Block] = []
    for para in _PARAGRAPHS.split(text.replace("\r\n", "\n")):
        lines = para.strip("\n").split("\n")
        if not "".join(lines).strip():
            continue
        if lines and _UNDERLINE.match(lines[0]) and len(lines) >= 3 and _UNDERLINE.match(lines[2]):
            lines = lines[1:]  # overlined title: drop the overline, the underline marks the level
        if len(lines) >= 2 and _UNDERLINE.match(lines[1]) and lines[0].strip() and not _UNDERLINE.match(lines[0]):
            char = lines[1].strip()[0]
            headings.set(levels.setdefault(char, len(levels) + 1), lines[0].strip())
            lines = lines[2:]
            if not "".join(lines).strip():
                continue
        body = "\n".join(lines)
        code = rst and all(not ln.strip() or ln.startswith(("    ", "\t")) for ln in lines)
        blocks.append(Block(body, headings.path, "code" if code else "text"))
    return blocks


def pdf_blocks(text: str) -> list[Block]:
    """One section per page, so every chunk can cite its page."""
    blocks: list[Block] = []
    for number, page in enumerate(text.split(PAGE_BREAK), start=1):
        for para in _PARAGRAPHS.split(page):
            if para.strip():
                blocks.append(Block(para.strip(), (f"Page {number}",)))
    return blocks
