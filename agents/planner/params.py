"""Pipeline parameters from plain words, against the inputs the pipeline declares (get_pipeline).

"with 50 trees and max depth 4" becomes {"n_estimators": 50, "max_depth": 4} for iris because
iris declares those inputs: phrases come from each input's name ("max_depth": "max depth",
"depth"; "n_estimators": "estimators", "trees"), values are coerced to its declared type, and
anything that still looks like a value but matches no input becomes a question, never a run with
a silently ignored setting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from agents.planner.said import spelled_as
from agents.words import name_words, parse_int, parse_s3_uri

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "estimators": ("estimators", "estimator", "trees", "tree"),
    "seed": ("seed", "random seed", "random state"),
    "size": ("size", "split", "fraction", "ratio"),
    "lr": ("lr", "learning rate"),
    "epochs": ("epochs", "epoch"),
}
_LEAD = frozenset({"n", "num", "nb", "no", "number"})
_NUMERIC = frozenset({"int", "integer", "float", "double", "number", "number_integer", "number_double"})
_WORD_NUMS = "one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred"
_NUM = rf"(?:-?\d+(?:\.\d+)?%?|-?\.\d+%?|{_WORD_NUMS})(?![\w.%-]|\.\d)"
_FILLER = frozenset("and with the a an to of in on is for please now then it that this using from at as set be".split())  # noqa: SIM905


@dataclass(frozen=True)
class Input:
    name: str
    type: str
    default: Any
    required: bool
    phrases: tuple[str, ...]


class Unclear(Exception):
    """A value that cannot be placed or read: the question to ask."""


def inputs_of(pipeline: dict[str, Any]) -> list[Input]:
    """The declared inputs with the phrases people use for them; a short phrase only when one input claims it."""
    raw = [i for i in pipeline.get("inputs") or [] if isinstance(i, dict) and i.get("name")]
    claims: dict[str, list[str]] = {}
    full: dict[str, set[str]] = {}
    for item in raw:
        name = str(item["name"])
        words = name_words(name)
        core = [w for w in words if w not in _LEAD] or words
        full[name] = {name.lower(), " ".join(words), " ".join(core)}
        last = core[-1]
        synonyms = _SYNONYMS.get(last, (last,))
        short = {" ".join([*core[:-1], syn]) for syn in synonyms} | set(synonyms)
        short |= {last[:-1]} if last.endswith("s") else set()
        for phrase in short - full[name]:
            claims.setdefault(phrase, []).append(name)
    out = []
    for item in raw:
        name = str(item["name"])
        phrases = full[name] | {p for p, owners in claims.items() if owners == [name] and len(p) > 1}
        kind = str(item.get("type") or "str").lower()
        ordered = tuple(sorted(phrases, key=len, reverse=True))
        out.append(Input(name, kind, item.get("default"), bool(item.get("required")), ordered))
    return out


def _coerce(raw: str, kind: str) -> Any:
    low = raw.strip().strip(",").lower()
    if kind in _NUMERIC:
        scale = 100.0 if low.endswith("%") else 1.0
        low = low.rstrip("%")
        number = float(parse_int(low)) if parse_int(low) is not None else float(low)
        if kind in {"int", "integer", "number_integer"}:
            if not number.is_integer():
                raise ValueError(low)
            return int(number)
        return number / scale
    if kind in {"bool", "boolean"}:
        if low in {"true", "yes", "on", "1", "enabled"}:
            return True
        if low in {"false", "no", "off", "0", "disabled"}:
            return False
        raise ValueError(low)
    if kind in {"list", "array", "dict", "object", "struct", "map"}:
        return json.loads(raw)
    return raw.strip().strip("\"'`")


def _phrase(item: Input) -> str:
    alts = "|".join(r"[\s_-]*".join(re.escape(w) for w in p.split()) for p in item.phrases)
    return rf"(?<![\w-])(?:{alts})(?![\w-])"


def _value(kind: str) -> str:
    if kind in _NUMERIC:
        return _NUM
    if kind in {"bool", "boolean"}:
        return r"(?:true|false|yes|no|on|off)(?![\w-])"
    return r"(?:\"[^\"]*\"|'[^']*'|s3a?://\S+|\[[^\]]*\]|\{[^}]*\}|[^\s;,]+)"


_KEY = ("key", "object", "file", "path", "csv")
_URI = ("uri", "url", "path", "source", "dataset", "data", "input")


def _is(name: str, *parts: str) -> bool:
    return any(re.search(rf"(?:^|_){p}(?:$|_)", name.lower()) for p in parts)


def map_parameters(text: str, pipeline: str, inputs: list[Input], data: tuple[str, str] | None) -> dict[str, Any]:
    """Values for `inputs` read from `text`; `data` is the object the thread last touched, used
    when the request points at it ("validate it"). Raises Unclear with the question to ask."""
    text = _respelled(text, inputs)
    found: dict[str, str] = {}
    names = ", ".join(f"{i.name} ({i.type})" for i in inputs) or "none"
    by_name = {i.name.lower(): i for i in inputs}
    rest = text

    def take(pattern: str, group: str = "value") -> list[re.Match[str]]:
        return list(re.finditer(pattern, rest, re.I))

    for m in take(r"(?<![\w/:.=-])([A-Za-z_][\w.-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"):
        spoken = " ".join(name_words(m.group(1)))
        item = by_name.get(m.group(1).lower()) or next((i for i in inputs if spoken in i.phrases), None)
        if item is None:
            raise Unclear(f"{pipeline} has no input called {m.group(1)}. Its inputs are: {names}.")
        found.setdefault(item.name, m.group(2))
        rest = rest.replace(m.group(0), " ")
    for m in take(r"s3a?://[^\s,;]+"):
        uri = m.group(0).rstrip(".")
        bucket, key = parse_s3_uri(uri) or ("", "")
        b_in = next((i for i in inputs if _is(i.name, "bucket") and i.name not in found), None)
        k_in = next((i for i in inputs if _is(i.name, *_KEY) and i.name not in found), None)
        u_in = next((i for i in inputs if _is(i.name, *_URI)), None)
        if b_in:
            found[b_in.name] = bucket
            if k_in and key:
                found[k_in.name] = key
        elif u_in:
            found[u_in.name] = uri
        else:
            raise Unclear(f"{pipeline} has no input for an s3 URI. Its inputs are: {names}.")
        rest = rest.replace(m.group(0), " ")
    connector = r"\s*(?:=|:|\bset\s+to\b|\bequals?\b|\bof\b|\bto\b|\bis\b|\bat\b|\bas\b)?\s*"
    for item in inputs:
        if item.name in found:
            continue
        for m in take(_phrase(item) + rf"{connector}(?P<value>{_value(item.type)})"):
            if m.group("value").lower().rstrip(".,") in _FILLER:
                continue
            found[item.name] = m.group("value").rstrip(".,")
            rest = rest.replace(m.group(0), " ", 1)
            break
    for item in inputs:
        if item.name not in found and item.type in _NUMERIC:
            m = re.search(rf"(?P<value>{_NUM})\s+(?:more\s+)?" + _phrase(item), rest, re.I)
            if m:
                found[item.name] = m.group("value")
                rest = rest.replace(m.group(0), " ", 1)
    _data_inputs(rest, inputs, found, data)
    return _finish(rest, pipeline, inputs, found, names)


def _respelled(text: str, inputs: list[Input]) -> str:
    """Words misspelt from an input's phrases read as them ("15 estimaters" -> "15 estimators")."""
    vocab = sorted({w for i in inputs for p in i.phrases for w in p.split() if len(w) >= 5})

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in vocab:
            return word  # as the user wrote it
        return spelled_as(word.lower(), vocab) or word

    return re.sub(r"(?<![\w/.-])[A-Za-z]+(?![\w/.-])", fix, text)


def _data_inputs(rest: str, inputs: list[Input], found: dict[str, str], data: tuple[str, str] | None) -> None:
    """A file named without a URI fills a key input, "in <bucket>" its bucket; "it" the last object."""
    b_in = next((i for i in inputs if _is(i.name, "bucket")), None)
    k_in = next((i for i in inputs if _is(i.name, *_KEY)), None)
    if k_in and k_in.name not in found:
        path = re.search(r"(?<![\w/])([\w.-]+/)*[\w-]+\.(?:csv|json|parquet|txt|tsv|jsonl)\b", rest)
        if path:
            found[k_in.name] = path.group(0)
    if b_in and b_in.name not in found and k_in and k_in.name in found:
        m = re.search(r"\b(?:in|from|inside)\s+(?:the\s+)?(?:bucket\s+)?([a-z0-9][a-z0-9.-]{2,62})\b", rest)
        if m:
            found[b_in.name] = m.group(1)
    if b_in and k_in and data and b_in.name not in found and k_in.name not in found:
        found[b_in.name], found[k_in.name] = data


def _finish(rest: str, pipeline: str, inputs: list[Input], found: dict[str, str], names: str) -> dict[str, Any]:
    leftover = re.search(rf"(?:[A-Za-z_][\w-]*\s+){{0,2}}(?<![\w.-]){_NUM}(?:\s+[A-Za-z_][\w-]*)?", rest)
    if leftover and not re.search(r"\b(last|latest|first|\d+ (?:runs?|minutes?|hours?))\b", leftover.group(0)):
        raise Unclear(
            f'I couldn\'t match "{leftover.group(0).strip()}" to an input of {pipeline}. Its inputs are: {names}. '
            "Which one did you mean?"
        )
    out: dict[str, Any] = {}
    for item in inputs:
        if item.name in found:
            try:
                out[item.name] = _coerce(found[item.name], item.type)
            except (ValueError, TypeError):
                said = found[item.name]
                raise Unclear(f'{item.name} takes a {item.type}; I couldn\'t read "{said}" as one.') from None
    missing = [i.name for i in inputs if i.required and i.default is None and i.name not in out]
    if missing:
        raise Unclear(f"{pipeline} needs {' and '.join(missing)} (no default). What should I use?")
    return out
