"""Slot fillers for everything that is not a place: pipelines, runs, experiments, new names,
free text, tags, sources, flags, choices, numbers and durations.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agents.planner.catalog import Arg
from agents.planner.said import Said, spelled_as
from agents.text import CONTINUES
from agents.words import has_file_extension
from tools.kfp.compare import direction

if TYPE_CHECKING:
    from agents.planner.fill import Slots

_PIPELINE_FILE = re.compile(r"\.(?:ya?ml|py|json|zip|tgz|tar\.gz)$", re.I)


def pipeline(s: Slots, arg: Arg) -> Any:
    said = s.said
    known = [n.text for n in said.names if n.text.lower() in s.memory.pipelines]
    # "pipeline iris" names one; for an optional filter "the pipelines side" does not.
    near = [n for n in said.near({"pipeline", "pipelines"}, plain_after=arg.required) if not _PIPELINE_FILE.search(n)]
    verbs = {"run", "rerun", "launch", "start", "train", "execute", "trigger", "of", "with", "using", "up", "off"}
    after = [n.text for n in said.names if n.before in verbs and not n.text.isdigit()]
    # "every iris run", not "what can I actually run": an adverb is no pipeline.
    before = [
        n.text
        for n in said.names
        if n.after in {"with", "using", "against", "training", "run"} and not (n.plain and n.text.endswith("ly"))
    ]
    places = {n.text for n in said.names if n.before in {"in", "into", "to", "from", "inside", "under"}}
    # "in ml-models" is where something is, not a pipeline.
    idents = [n for n in said.identifiers if not has_file_extension(n) and n.lower() not in s.memory.buckets]
    idents = [n for n in idents if n not in places]
    for pool in (known, near, after, before, idents if arg.required else []):
        if pool:
            return pool[0]
    return s.memory.pipeline if arg.required else None


def pipeline_file(s: Slots, arg: Arg) -> Any:
    files = [t.text for t in s.said.paths if _PIPELINE_FILE.search(t.text)]
    files += [n for n in s.said.identifiers if _PIPELINE_FILE.search(n)]
    return files[0] if files else None


_LATEST = re.compile(r"\b(latest|last|most recent|newest|recent|just (?:started|submitted|ran))\b")
_AUXILIARY = frozenset({"did", "does", "has", "had", "was", "is"})
_RUN_ID = re.compile(r"\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b[0-9a-f]{8,}\b")


def run(s: Slots, arg: Arg) -> Any:
    said = s.said
    ids = _RUN_ID.findall(said.low)
    if ids:
        return ids[0]
    latest = _LATEST.search(said.low) is not None or any(_latest_misspelt(w) for w in said.words)
    named = [
        n
        for n in said.near({"run", "runs", "job"}, plain_after=False)
        if n.lower() not in s.memory.pipelines and not _latest_misspelt(n.lower())
    ]
    # "what did baseline run with": the name is the subject of the verb "run".
    named += [n.text for n in said.names if n.after == "run" and n.before in _AUXILIARY and n.text not in named]
    known = [n.text for n in said.names if n.text in s.memory.run_names]
    idents = [n for n in said.identifiers if n.lower() not in s.memory.pipelines and not has_file_extension(n)]
    inside = [n.text for n in said.names if not n.plain and n.before in {"in", "of", "from"} and n.text in idents]
    # A run name usually carries a digit ("depth-3", "rf-7"); "double-check" is a verb that looks like a name.
    idents.sort(key=lambda n: not any(c.isdigit() for c in n))
    if latest:  # "cancel my latest run, I fat-fingered it": only a name that is surely a run's beats "latest"
        idents = [n for n in idents if any(c.isdigit() for c in n)]
    for pool in (named, known, inside if "task" in s.tool.args_names else [], idents):
        if pool:
            return pool[0]
    if latest or not s.memory.run:
        return "latest"
    return s.memory.run


def _latest_misspelt(word: str) -> bool:
    """ "lastest", "lates", "newset": the newest run, misspelt."""
    return spelled_as(word, ("latest", "newest", "recent")) is not None


def runs(s: Slots, arg: Arg) -> Any:
    said = s.said
    named = [n for n in said.identifiers if n.lower() not in s.memory.pipelines]
    return named if len(named) >= 2 else []  # fewer: "my last two runs" are looked up first (follow.py)


def experiment(s: Slots, arg: Arg) -> Any:
    named = s.said.near({"experiment", "experiments"})
    return named[0] if named else None


def name(s: Slots, arg: Arg) -> Any:
    """A new name. What it names is the tool's object (create_experiment: an experiment), so
    "experiment churn-q3" or "as pipeline cleaner-2" are read the same way for any such tool."""
    said = s.said
    if arg.name == "version_name":
        pool = said.called() + said.after_words({"name", "named", "called"}) + said.near({"version"}, plain_after=False)
        plain = {n.text for n in said.names if n.plain}
        return next((p for p in pool if p.lower() not in {"new", "latest"} and p not in plain), None)
    if arg.name == "run_name":
        return next((p for p in said.called() if p.lower() not in s.memory.pipelines), None)
    noun = s.tool.name.rsplit("_", 1)[-1]
    files = {str(v) for v in s.args.values()}
    pool = said.after_words({"called", "named", "name"}, strict=False) + said.near({noun}, plain_after=False)
    pool += [n for n in said.after_words({"as"}, strict=False) if not _PIPELINE_FILE.search(n)]
    if not {"pipeline_file", "local_path"} & s.tool.kinds:  # nothing else to name it by: any identifier
        pool += said.identifiers + said.after_words({"for"}, strict=False)
    return next((p for p in pool if p not in files), None)


_X_AXIS = re.compile(r"\b([\w.-]+) on the x[- ]axis\b", re.I)
_AGAINST = frozenset({"against", "versus", "vs", "per"})


def _x_axis(said: Said) -> str | None:
    m = _X_AXIS.search(said.text)
    if m:
        return m.group(1)
    words = [t for t in said.tokens if t.lower != "the"]
    return next((t.text for cue, t in zip(words, words[1:], strict=False) if spelled_as(cue.lower, _AGAINST)), None)


def text(s: Slots, arg: Arg) -> Any:
    said = s.said
    if arg.name == "query":  # "and for a whole run?" is searched with the question it continues
        return f"{s.memory.question} {said.text}" if s.memory.question and CONTINUES.search(said.text) else said.text
    if arg.name == "task":
        steps = said.near({"step", "task", "component", "stage"}, plain_after=False)
        steps += [n.text for n in said.names if n.before == "for" and not n.plain and n.text != s.args.get("run")]
        return steps[0] if steps else None
    if arg.name == "function":
        funcs = said.near({"function", "func"}) + [n.removesuffix("()") for n in said.names if n.text.endswith("()")]
        return funcs[0] if funcs else None
    if arg.name == "metric":  # "plot the accuracy of every run": a word that names a score
        return next((w for w in [*said.identifiers, *said.words] if direction(w)), None)
    if arg.name == "columns":  # "plot column loss of ...", "the val_loss and loss columns", "plot the loss"
        x = _x_axis(said)
        named = [n for n in said.near({"column", "columns", "col"}) if n != x and not spelled_as(n.lower(), _AGAINST)]
        return named or [w for w in said.words if direction(w) and w != x] or None
    if arg.name == "x":  # "rmse against epoch", "loss per step", "with step on the x axis"
        return _x_axis(said)
    if arg.name == "description":
        m = re.search(r"\b(?:description|described as|describe it as)\s*[:=]?\s*(.+)$", said.text, re.I)
        return m.group(1).strip().strip("\"'") if m else None
    return None


def tags(s: Slots, arg: Arg) -> Any:
    return dict(s.said.pairs) or None


def source(s: Slots, arg: Arg) -> Any:
    if arg.name == "prefix":
        return None
    said = s.said
    found = [t.text for t in said.tokens if t.kind == "uri"] + [t.text for t in said.paths]
    found += [n for n in said.identifiers if has_file_extension(n)]
    return list(dict.fromkeys(found)) or None


def choice(s: Slots, arg: Arg) -> Any:
    """A choice by its words: "the ROC curve" is roc_curve, "which inputs it leans on"
    feature_importance, "broken runs" FAILED. Only one choice may match; otherwise the default stands."""
    said = [w for w in s.said.words if len(w) >= 3]
    named = {c for c, words in arg.choices.items() if c != arg.default and any(_says(said, w) for w in words)}
    return named.pop() if len(named) == 1 else None


def _says(words: list[str], part: str) -> bool:
    """ "features" says "feature"; a short part ("roc") only as itself."""
    return any(w == part or (len(part) >= 4 and w.startswith(part)) for w in words)


_ON = re.compile(r"\b(on|enable|enabled|activate|start|keep (?:a )?history|keep old|restore|turn it on)\b")
_OFF = re.compile(r"\b(off|disable|disabled|suspend|suspended|pause|stop|no longer)\b")
_FORCE = re.compile(
    r"\b(force|everything|all of it|even if|non-?empty|contents?|including|with all|and all|together with|"
    r"whatever is|what'?s (?:still )?in)\b"
)
_ONE_LEVEL = re.compile(
    r"\b(top[- ]level|one level|first level|don'?t expand|not recursive(?:ly)?|non-?recursive|just the folders|"
    r"only the folders|without (?:going into|expanding) (?:sub-?folders|folders))\b"
)
_MERGE = re.compile(r"\b(add|also|keep|append|merge|as well|additional)\b")


def flag(s: Slots, arg: Arg) -> Any:
    low = s.said.low
    if arg.name == "enabled":
        return False if _OFF.search(low) else True if _ON.search(low) else None
    if arg.name == "force":
        return True if _FORCE.search(low) else None
    if arg.name == "replace":
        return False if _MERGE.search(low) else None
    if arg.name == "recursive":
        return False if _ONE_LEVEL.search(low) else None
    return None


def number(s: Slots, arg: Arg) -> Any:
    said = s.said
    if arg.name == "tail_lines":
        return said.count_before("lines?")
    if arg.name == "limit":
        return said.count_before("runs?|objects?|files?|items?|pipelines?|experiments?|sources?|documents?")
    return None


_LONGEST = re.compile(r"\b(longest|maximum|max|as long as (?:possible|allowed|you can|it can|permitted))\b")


def duration(s: Slots, arg: Arg) -> Any:
    minutes = s.said.minutes
    if minutes is None and arg.maximum is not None and _LONGEST.search(s.said.low):
        return int(arg.maximum)  # the schema's own bound: "a link that lasts as long as allowed"
    if minutes is None:
        return None
    return minutes if arg.name.endswith("minutes") else minutes * 60 if arg.name.endswith("seconds") else None
