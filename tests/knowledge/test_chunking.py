"""Chunking keeps structure: heading paths, whole code blocks, pages, bounded sizes."""

from __future__ import annotations

from knowledge.chunking import MAX_CHARS, chunk_document, windows
from knowledge.documents import Document

LONG_SENTENCES = " ".join(f"Sentence number {i} talks about artifacts and lineage." for i in range(60))
CODE = "\n".join(f"step_{i} = component(name='s{i}')  # a fairly long line of code" for i in range(80))

MARKDOWN = f"""---
title: front matter is not content
---
# Caching

Kubeflow Pipelines reuses outputs of steps whose inputs did not change.

{LONG_SENTENCES}

## Turning it off

Call `set_caching_options(False)` on a task.

```python
{CODE}
```

### Deeper

Short note.

# Another top

Top-level again.
"""


def test_markdown_headings_and_code_kept_whole() -> None:
    chunks = chunk_document(Document("doc.md", MARKDOWN, "markdown"))
    code = [c for c in chunks if c.kind == "code"]
    assert len(code) == 1
    assert CODE in code[0].text and code[0].text.startswith("```python")
    assert len(code[0].text) > MAX_CHARS  # never split, however long
    assert code[0].headings == ("Caching", "Turning it off")
    by_text = {c.text: c for c in chunks}
    assert by_text["Short note."].headings == ("Caching", "Turning it off", "Deeper")
    assert by_text["Top-level again."].headings == ("Another top",)
    assert not any("front matter" in c.text for c in chunks)
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_long_paragraph_split_with_overlap() -> None:
    chunks = chunk_document(Document("doc.md", MARKDOWN, "markdown"))
    long_parts = [c for c in chunks if "Sentence number" in c.text]
    assert len(long_parts) >= 3
    assert all(len(c.text) <= MAX_CHARS for c in long_parts)
    assert all(c.headings == ("Caching",) for c in long_parts)
    # consecutive windows share their boundary sentence(s)
    for a, b in zip(long_parts, long_parts[1:], strict=False):
        last = a.text.rsplit("Sentence number", 1)[1]
        assert "Sentence number" + last in b.text
    # every sentence survives
    joined = " ".join(c.text for c in long_parts)
    assert all(f"Sentence number {i} " in joined for i in range(60))


def test_small_paragraphs_are_packed() -> None:
    text = "# T\n\n" + "\n\n".join(f"Paragraph {i} is short." for i in range(80))
    chunks = chunk_document(Document("p.md", text, "markdown"))
    assert 1 < len(chunks) < 10
    assert all(len(c.text) <= 800 for c in chunks)


def test_windows_without_sentence_ends() -> None:
    text = "word " * 1000
    parts = windows(text, 800, 100)
    assert all(len(p) <= 800 for p in parts)
    assert sum(p.count("word") for p in parts) >= 1000


def test_html_structure() -> None:
    html = """<html><head><title>T</title><script>var x = 1;</script></head><body>
    <nav>menu</nav><h1>Runs</h1><p>A run executes a <b>pipeline</b> once.</p>
    <h2>Retry</h2><ul><li>first</li><li>second</li></ul>
    <pre><code>kfp run create --retry 3
    --experiment x</code></pre>
    <table><tr><th>flag</th><th>meaning</th></tr><tr><td>--retry</td><td>attempts</td></tr></table>
    </body></html>"""
    chunks = chunk_document(Document("p.html", html, "html"))
    texts = " ".join(c.text for c in chunks)
    assert "var x" not in texts and "menu" not in texts
    code = [c for c in chunks if c.kind == "code"]
    assert len(code) == 1 and "--experiment x" in code[0].text and code[0].headings == ("Runs", "Retry")
    first = next(c for c in chunks if "executes" in c.text)
    assert first.headings == ("Runs",) and "a pipeline once" in first.text
    assert any("--retry | attempts" in c.text for c in chunks)


def test_text_and_rst_headings() -> None:
    rst = "Guide\n=====\n\nIntro text.\n\nInstall\n-------\n\nRun this::\n\n    pip install swarmops\n"
    chunks = chunk_document(Document("g.rst", rst, "text"))
    assert chunks[0].headings == ("Guide",)
    code = [c for c in chunks if c.kind == "code"]
    assert code and code[0].headings == ("Guide", "Install") and "pip install" in code[0].text
    plain = chunk_document(Document("n.txt", "First para.\n\nSecond para.", "text"))
    assert plain and plain[0].text == "First para.\n\nSecond para."


def test_pdf_pages_become_headings() -> None:
    chunks = chunk_document(Document("f.pdf", "one\ftwo\f\ffour", "pdf"))
    assert [(c.text, c.headings) for c in chunks] == [
        ("one", ("Page 1",)),
        ("two", ("Page 2",)),
        ("four", ("Page 4",)),
    ]


def test_a_lead_in_sentence_stays_with_the_code_it_introduces() -> None:
    from knowledge.chunking import chunk_document
    from knowledge.documents import Document

    text = (
        "# Caching\n\nSome background first.\n\nTurn it off on the task:\n\n"
        "```python\ntask.set_caching_options(False)\n```\n"
    )
    chunks = chunk_document(Document("docs/x.md", text, "markdown").with_hash())
    code = [c for c in chunks if c.kind == "code"]
    assert len(code) == 1 and "Turn it off on the task:" in code[0].text and "set_caching_options" in code[0].text
    assert any("Some background first." in c.text and c.kind == "text" for c in chunks)
