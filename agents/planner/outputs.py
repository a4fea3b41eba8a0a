"""A request for what a run produced ("download the model my latest run produced"): the run is the
pipelines agent's, its artifacts are objects in the store. So the pipelines agent first looks the
run up (get_run lists its artifacts' URIs), then the storage agent acts on the one the request
names (fill_places.run_output), as a person would: find the run, then fetch the file.
"""

from __future__ import annotations

import re

from agents.planner.catalog import tools
from agents.planner.fill import Ask, fill
from agents.planner.memory import ThreadMemory
from agents.planner.planning import choose
from agents.planner.said import Said
from agents.planner.specialist import owned

#: Said of a run's outputs: "the model my run produced", "the artifacts of run rf-7".
_PRODUCED = re.compile(
    r"\b(?:produced|wrote|written|made|saved|generated|created|logged|trained|outputs?|artifacts?)\b", re.I
)
_RUN = re.compile(r"\b(?:run|job)\b", re.I)


def run_first(parts: list[tuple[str, str]], available: list[str], memory: ThreadMemory) -> list[tuple[str, str]]:
    """`parts` with a run look-up put before a storage request for a run's output, when the thread
    has no artifacts of a run in play yet and the request names no bucket of its own."""
    if len(parts) != 1 or not {"storage", "pipelines"} <= set(available) or memory.artifacts:
        return parts
    task = parts[0][1]
    said = Said.of(task)
    if not (_RUN.search(task) and _PRODUCED.search(task)) or said.uris or _names_a_bucket(said):
        return parts
    # The request is the store's (a pipelines tool that reports the outputs itself, as get_run_plots
    # does, keeps it), and for one object.
    reads = choose(task, owned("storage") | owned("pipelines"), wide=False)
    if not reads or tools()[reads[0]].owner != "storage" or "object_key" not in tools()[reads[0]].kinds:
        return parts
    try:
        run = fill(tools()["get_run"], said, memory).get("run", "latest")
    except Ask:
        run = "latest"
    return [("pipelines", f"show run {run}"), ("storage", task)]


def _names_a_bucket(said: Said) -> bool:
    return bool(said.near({"bucket", "buckets"}, plain_after=False)) or any(
        "/" in t.text and not t.text.startswith(("./", "~/", "/", "../")) for t in said.paths
    )
