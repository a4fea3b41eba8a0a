"""An API reference of the installed `kfp` and `minio` packages, generated at index time.

Built with `inspect` from the signatures and docstrings of the versions actually installed, so the
reference never drifts from the code swarmops runs (upgrade kfp and the next index picks it up: the
content hash changes). One Document per class, function, method or property, Markdown with the
qualified name as heading, the signature in a code block, the docstring converted from Google /
Sphinx style to Markdown, and the module and package version. Sources look like
`api/kfp.Client.run_pipeline`, `api/kfp.dsl.PipelineTask.set_caching_options`,
`api/minio.Minio.presigned_get_object`.

Only kfp and minio are imported (about 0.3 s); never torch.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from knowledge.documents import Document

ORIGIN = "api"

#: What an owner class is, in words a user would use, prepended to each member's page so a question
#: like "with the minio client, how do I ..." finds the member even though its docstring never says so.
CLASS_CONTEXT = {
    "kfp.Client": "the Kubeflow Pipelines (KFP) API client, used to upload pipelines and start, list and manage runs "
    "and experiments on a KFP server",
    "kfp.dsl.PipelineTask": "a pipeline task: the object returned when a component is called inside a "
    "@dsl.pipeline function; its methods configure how that one step runs",
    "kfp.compiler.Compiler": "the KFP compiler that turns a @dsl.pipeline function into a pipeline YAML file",
    "minio.Minio": "the MinIO Python SDK client for MinIO and other S3-compatible object storage (buckets and objects)",
}

#: Public names of kfp.dsl that are typing aliases (`Annotated[T, marker]`), whose runtime docstring is
#: typing's generic one. Described here instead, in our own words.
ALIAS_DOCS = {
    "Input": (
        "Input[T]",
        "Type annotation for a component parameter that receives an input artifact of artifact type `T` "
        "(`Dataset`, `Model`, `Metrics`, `Artifact`, ...). Inside the component, read the artifact's file at "
        "`param.path` and its metadata at `param.metadata`. In the pipeline, pass an upstream task's artifact "
        "output, e.g. `train(data=prep.outputs['data'])`. Equivalent to `typing.Annotated[T, InputAnnotation]`.",
    ),
    "Output": (
        "Output[T]",
        "Type annotation for a component parameter through which the component produces an output artifact of "
        "artifact type `T` (`Dataset`, `Model`, `Metrics`, `HTML`, ...). Write the file at `param.path`, add "
        "`param.metadata[...]`, and for `Output[Metrics]` call `param.log_metric(name, value)`. Downstream tasks "
        "read it as `task.outputs['<param name>']`. Equivalent to `typing.Annotated[T, OutputAnnotation]`.",
    ),
    "EmbeddedInput": (
        "EmbeddedInput[T]",
        "Type annotation for a component parameter that receives content embedded into the component with "
        "`@dsl.component(embedded_artifact_path=...)`, extracted at run time and passed as an artifact of type "
        "`T`. Equivalent to `typing.Annotated[T, EmbeddedAnnotation]`.",
    ),
}

#: Names exported by kfp.dsl that are not part of its API (re-exported stdlib / typing helpers).
_DSL_SKIP = {"Annotated", "TypeVar", "T", "os"}
#: Serialization and wiring internals that are public by name only; they would only add noise.
_MEMBER_SKIP = {"fromxml", "toxml", "to_proto", "register_pipeline_channels"}

_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Attributes|Returns|Return|Yields|Raises|Note|Notes|Example|Examples|"
    r"Usage|Warning|Warnings|See Also|Deprecated)\s*:?\s*$",
    re.IGNORECASE,
)
_ITEM_SECTIONS = {"args", "arguments", "parameters", "params", "attributes", "raises"}
_CODE_SECTIONS = {"example", "examples", "usage"}
_ITEM = re.compile(r"^\*{0,2}([A-Za-z_][\w.]*)\s*(\([^)]*\))?\s*:\s*(.*)$")
_SPHINX_FIELD = re.compile(r"^:(param|parameter|arg|type|return|returns|rtype|raises?|yield|yields)\s*([^:]*):\s*(.*)$")


@dataclass(frozen=True)
class _Entry:
    qualname: str  # public dotted name: kfp.Client.run_pipeline
    obj: Any
    kind: str  # class | function | method | property | alias | constants
    module: str
    package: str
    owner: str = ""  # qualified name of the owning class, for members


class _Ann:
    """Shows a string annotation without quotes (minio uses postponed annotations)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


# --- public entry points ---------------------------------------------------------------------------


def api_reference_documents() -> list[Document]:
    """One Markdown Document per public kfp / minio symbol, from the installed packages."""
    docs: list[Document] = []
    seen: set[str] = set()
    for entry in _entries():
        source = f"api/{entry.qualname}"
        if source in seen:
            continue
        seen.add(source)
        text = render(entry)
        docs.append(Document(source, text, "markdown", entry.qualname, origin=ORIGIN).with_hash())
    return docs


# --- which symbols ---------------------------------------------------------------------------------


def _entries() -> Iterator[_Entry]:
    import kfp
    import minio
    from kfp import compiler, components, dsl, local
    from minio import commonconfig, deleteobjects, versioningconfig

    kv, mv = f"kfp {kfp.__version__}", f"minio {minio.__version__}"

    yield from _class_entries("kfp.Client", kfp.Client, kv, all_public=True)
    yield from _class_entries("kfp.compiler.Compiler", compiler.Compiler, kv)

    constants: list[tuple[str, str]] = []
    for name in sorted(n for n in dir(dsl) if not n.startswith("_")):
        if name in _DSL_SKIP:
            continue
        obj = getattr(dsl, name)
        qual = f"kfp.dsl.{name}"
        if inspect.ismodule(obj):
            continue
        if name in ALIAS_DOCS:
            yield _Entry(qual, obj, "alias", "kfp.dsl", kv)
        elif isinstance(obj, str):
            constants.append((name, obj))
        elif inspect.isclass(obj):
            yield from _class_entries(qual, obj, kv)
        elif callable(obj):
            yield _Entry(qual, obj, "function", getattr(obj, "__module__", "kfp.dsl"), kv)
    if constants:
        yield _Entry("kfp.dsl.placeholder_constants", constants, "constants", "kfp.dsl", kv)

    for name in ("load_component_from_file", "load_component_from_text", "load_component_from_url"):
        fn = getattr(components, name, None)
        if fn is not None:
            yield _Entry(f"kfp.components.{name}", fn, "function", fn.__module__, kv)

    yield _Entry("kfp.local.init", local.init, "function", local.init.__module__, kv)
    for name in ("SubprocessRunner", "DockerRunner"):
        cls = getattr(local, name, None)
        if cls is not None:
            yield from _class_entries(f"kfp.local.{name}", cls, kv)

    yield from _class_entries("minio.Minio", minio.Minio, mv, all_public=True)
    yield from _class_entries("minio.commonconfig.Tags", commonconfig.Tags, mv)
    yield from _class_entries("minio.commonconfig.CopySource", commonconfig.CopySource, mv)
    yield from _class_entries("minio.versioningconfig.VersioningConfig", versioningconfig.VersioningConfig, mv)
    yield from _class_entries("minio.deleteobjects.DeleteObject", deleteobjects.DeleteObject, mv)


def _class_entries(qual: str, cls: type, package: str, *, all_public: bool = False) -> Iterator[_Entry]:
    """The class itself, then its public methods and documented properties.

    Members are the class's own (`__dict__`) unless `all_public`, so an artifact subclass does not repeat
    every method of `Artifact`, and Enum/dataclass machinery stays out.
    """
    yield _Entry(qual, cls, "class", cls.__module__, package)
    names = dir(cls) if all_public else list(vars(cls))
    for name in sorted(set(names)):
        if name.startswith("_") or name in _MEMBER_SKIP:
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, property):
            if raw.__doc__:
                yield _Entry(f"{qual}.{name}", raw, "property", cls.__module__, package, owner=qual)
            continue
        if isinstance(raw, staticmethod | classmethod):
            raw = raw.__func__
        if inspect.isfunction(raw):
            yield _Entry(f"{qual}.{name}", raw, "method", getattr(raw, "__module__", cls.__module__), package, qual)


# --- rendering -------------------------------------------------------------------------------------


def render(entry: _Entry) -> str:
    short = entry.qualname.rsplit(".", 1)[-1]
    words = _plain_words(short)
    lines = [f"# {entry.qualname}", ""]
    if entry.kind == "constants":
        lines += _render_constants(entry)
    elif entry.kind == "alias":
        form, text = ALIAS_DOCS[short]
        lines += [
            f"`{entry.qualname}` is a type annotation of the kfp.dsl module ({entry.package}).",
            "",
            "```python",
            f"kfp.dsl.{form}",
            "```",
            "",
            text,
        ]
    else:
        lines += [_intro(entry, words), "", "```python", _signature_line(entry), "```", ""]
        doc = inspect.getdoc(entry.obj) or ""
        if entry.kind == "class" and not doc.strip():
            doc = ""
        body = docstring_markdown(doc) if doc else "(No docstring.)"
        lines.append(body)
    lines += ["", f"Module: `{entry.module}` · package: {entry.package}"]
    return "\n".join(lines).strip() + "\n"


def _intro(entry: _Entry, words: str) -> str:
    name = f"`{entry.qualname}`" + (f" ({words})" if words else "")
    if entry.kind in ("method", "property"):
        what = "method" if entry.kind == "method" else "property"
        return f"{name} is a {what} of `{entry.owner}`, {_owner_context(entry.owner)} ({entry.package})."
    if entry.kind == "class":
        context = CLASS_CONTEXT.get(entry.qualname)
        tail = f": {context}" if context else ""
        return f"{name} is a class of {entry.package}{tail}."
    return f"{name} is a function of {entry.package}."


def _owner_context(owner: str) -> str:
    if owner in CLASS_CONTEXT:
        return CLASS_CONTEXT[owner]
    summary = _summary_of(owner)
    return summary or "a class"


def _summary_of(qualname: str) -> str:
    """First sentence of a class's docstring, as a lower-case phrase ('an artifact for storing metrics')."""
    obj = _resolve(qualname)
    doc = inspect.getdoc(obj) if obj is not None else None
    if not doc:
        return ""
    first = " ".join(doc.strip().split("\n\n", 1)[0].split())
    first = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".")
    first = _inline(first)
    return first[:1].lower() + first[1:] if first else ""


def _resolve(qualname: str) -> Any:
    import importlib

    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _plain_words(name: str) -> str:
    """'set_caching_options' -> 'set caching options'; 'presigned_get_object' -> 'presigned get object'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip()
    return spaced.lower() if spaced.lower() != name.lower() else ""


def _signature_line(entry: _Entry) -> str:
    obj = entry.obj
    if entry.kind == "property":
        return f"{entry.owner.rsplit('.', 1)[-1]}.{entry.qualname.rsplit('.', 1)[-1]}  # property"
    label = entry.qualname
    if entry.kind == "method":
        label = f"{entry.owner.rsplit('.', 1)[-1]}.{entry.qualname.rsplit('.', 1)[-1]}"
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{label}(...)"
    params = list(sig.parameters.values())
    if entry.kind == "method" and params and params[0].name in ("self", "cls"):
        params = params[1:]
    params = [_clean_param(p) for p in params]
    ret = sig.return_annotation
    if isinstance(ret, str):
        ret = _Ann(ret)
    if entry.kind == "class":
        ret = inspect.Signature.empty
    sig = sig.replace(parameters=params, return_annotation=ret)
    one = f"{label}{sig}"
    if len(one) <= 100:
        return one
    rendered = [str(p) for p in params]
    # Re-insert the markers for positional-only / keyword-only parameters that str(sig) adds.
    out, kw_marked = [], False
    for p, text in zip(params, rendered, strict=True):
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not kw_marked:
            if not any(q.kind is inspect.Parameter.VAR_POSITIONAL for q in params):
                out.append("*")
            kw_marked = True
        out.append(text)
    tail = "" if ret is inspect.Signature.empty else f" -> {inspect.formatannotation(ret)}"
    return f"{label}(\n" + "".join(f"    {t},\n" for t in out) + f"){tail}"


def _clean_param(p: inspect.Parameter) -> inspect.Parameter:
    if isinstance(p.annotation, str):
        p = p.replace(annotation=_Ann(p.annotation))
    return p


def _render_constants(entry: _Entry) -> list[str]:
    lines = [
        "Placeholder constants of `kfp.dsl` (placeholder constants): strings that KFP replaces at run time with "
        "values of the running pipeline job or task, such as the job id, job name or task name. Pass them as "
        "arguments to a component, e.g. `my_component(run_id=dsl.PIPELINE_JOB_ID_PLACEHOLDER)`.",
        "",
        "| constant | value |",
        "| --- | --- |",
    ]
    lines += [f"| `kfp.dsl.{name}` | `{value}` |" for name, value in entry.obj]
    return lines


# --- docstrings to Markdown --------------------------------------------------------------------


def docstring_markdown(doc: str) -> str:
    """Google- or Sphinx-style docstring -> Markdown with no indented (accidental code) blocks.

    Literal blocks (`::`, `.. code-block::`, Example sections) become fenced Python code; `Args:`
    style sections and `:param x:` fields become bullet lists; other indentation is removed.
    """
    lines = inspect.cleandoc(doc).splitlines()
    out: list[str] = []
    i = 0
    sphinx_open = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        indent = _indent(line)

        if _is_literal_start(stripped):
            label = stripped[:-2].rstrip() if not stripped.startswith("..") else ""
            if label:
                out.append(_inline(label) + ("" if label.endswith(":") else ":"))
            block, i = _take_block(lines, i + 1, indent)
            out += _fence(block)
            continue

        match = _SECTION.match(stripped)
        if match and indent == 0:
            name = match.group(1).lower()
            block, i = _take_block(lines, i + 1, indent)
            out += _render_section(match.group(1), name, block)
            continue

        field = _SPHINX_FIELD.match(stripped)
        if field and indent == 0:
            kind, name, text = field.groups()
            cont, i = _take_block(lines, i + 1, indent)
            text = " ".join([text, *(c.strip() for c in cont if c.strip())]).strip()
            if kind == "type" or kind == "rtype":
                continue
            if kind in ("param", "parameter", "arg"):
                if not sphinx_open:
                    out += ["", "**Parameters:**", ""]
                    sphinx_open = True
                out.append(f"- `{name.strip()}`: {_inline(text)}")
            elif kind in ("return", "returns"):
                out += ["", f"**Returns:** {_inline(text)}"]
            elif kind in ("raise", "raises"):
                out += ["", f"**Raises** `{name.strip()}`: {_inline(text)}"]
            else:
                out += ["", f"**Yields:** {_inline(text)}"]
            continue

        if stripped and sphinx_open:
            out.append("")
            sphinx_open = False
        out.append(_inline(stripped))
        i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_literal_start(stripped: str) -> bool:
    return stripped.endswith("::") or stripped.startswith((".. code-block", ".. code::", ".. testcode"))


def _take_block(lines: list[str], start: int, indent: int) -> tuple[list[str], int]:
    """Lines after `start` that are blank or indented deeper than `indent` (trailing blanks left out)."""
    j = start
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
        j += 1
    block = lines[start:j]
    while block and not block[-1].strip():
        block.pop()
        j -= 1 if j > start else 0
    return block, max(j, start)


def _fence(block: list[str]) -> list[str]:
    code = textwrap.dedent("\n".join(block)).strip("\n")
    if not code.strip():
        return []
    return ["", "```python", code, "```", ""]


def _render_section(title: str, name: str, block: list[str]) -> list[str]:
    heading = "Returns" if name == "return" else title.strip().capitalize()
    out = ["", f"**{heading}:**", ""]
    if not block:
        return out
    if name in _CODE_SECTIONS:
        return out + _render_example(block)
    body = textwrap.dedent("\n".join(block)).splitlines()
    if name in _ITEM_SECTIONS:
        return out + _render_items(body)
    return out + _render_prose(body)


def _render_example(block: list[str]) -> list[str]:
    body = textwrap.dedent("\n".join(block)).splitlines()
    out: list[str] = []
    i = 0
    prose: list[str] = []
    while i < len(body):
        stripped = body[i].strip()
        if stripped == "::" or _is_literal_start(stripped):
            label = stripped[:-2].rstrip() if stripped not in ("::",) and not stripped.startswith("..") else ""
            if label:
                prose.append(label + ":")
            out += [_inline(" ".join(prose))] if prose else []
            prose = []
            code, i = _take_block(body, i + 1, _indent(body[i]))
            out += _fence(code)
            continue
        if stripped:
            prose.append(stripped)
        i += 1
    if prose:
        # An example without a literal marker is code when it looks like code.
        if any(re.search(r"[=()@]|^(from|import|with|for|def)\b", p) for p in prose):
            out += _fence(textwrap.dedent("\n".join(b for b in body if b.strip() != "::")).splitlines())
        else:
            out.append(_inline(" ".join(prose)))
    return out


def _render_items(body: list[str]) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    base = min((_indent(b) for b in body if b.strip()), default=0)
    i = 0
    while i < len(body):
        line = body[i]
        stripped = line.strip()
        if _is_literal_start(stripped):
            if current:
                out.append(_item(current))
                current = []
            block, i = _take_block(body, i + 1, _indent(line))
            label = stripped[:-2].rstrip()
            if label:
                out.append(_inline(label) + ":")
            out += _fence(block)
            continue
        if stripped and _indent(line) == base and _ITEM.match(stripped):
            if current:
                out.append(_item(current))
            current = [stripped]
        elif stripped:
            current.append(stripped)
        i += 1
    if current:
        out.append(_item(current))
    return out


def _item(parts: list[str]) -> str:
    match = _ITEM.match(parts[0])
    if not match:
        return "- " + _inline(" ".join(parts))
    name, typ, text = match.groups()
    rest = " ".join([text, *parts[1:]]).strip()
    typ = f" {typ}" if typ else ""
    return f"- `{name}`{typ}: {_inline(rest)}"


def _render_prose(body: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in body:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(_inline(" ".join(current)))
            current = []
    if current:
        paragraphs.append(_inline(" ".join(current)))
    out: list[str] = []
    for p in paragraphs:
        out += [p, ""]
    return out


_ROLE = re.compile(r":(?:class|func|meth|attr|obj|mod|data|exc|py:\w+):`~?([^`<]+?)(?:\s*<[^>]+>)?`")
_LINK = re.compile(r"`([^`<]+?)\s*<([^>]+)>`_+")


def _inline(text: str) -> str:
    """RST inline markup -> Markdown: roles and ``literals`` become `code`, links become [text](url)."""
    text = _ROLE.sub(lambda m: f"`{m.group(1).strip()}`", text)
    text = _LINK.sub(lambda m: f"[{m.group(1).strip()}]({m.group(2)})", text)
    return text.replace("``", "`")


# --- introspection helpers used by tests and the benchmark ---------------------------------------------


def symbol_names() -> list[str]:
    """The qualified names the reference covers (cheap: no rendering)."""
    return [e.qualname for e in _entries()]


__all__ = ["ORIGIN", "api_reference_documents", "docstring_markdown", "symbol_names"]
