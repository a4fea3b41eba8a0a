"""Everyday words for the planner's operations, for words no tool example uses.

The intent classifier knows the words of the tools' examples. A word it has never seen ("bin
them", "the recordings") carries no signal, however plain its meaning; mapped to the word the
examples use for the same thing, it does. Only words the examples never use are mapped (a word
they use speaks for itself), and only words with one meaning in this domain: "drop" (delete, or
drop a file into a bucket) and "kill" (a run, or a bucket) stay out.
"""

from __future__ import annotations

_GROUPS: dict[str, str] = {
    "delete": "remove erase wipe purge trash bin nuke scrap discard ditch toss zap destroy junk axe "
    "eliminate expunge deleting removing erasing wiping purging trashing binning",
    "download": "fetch grab retrieve downloading fetching grabbing retrieving",
    "upload": "stash uploading",
    "copy": "duplicate clone replicate mirror copying duplicating cloning",
    "move": "relocate moving relocating",
    "files": "recordings clips images photos pictures records entries assets blobs snapshots scans "
    "samples videos audio tracks",
    "file": "recording clip image photo picture record entry asset blob snapshot scan sample video track",
    "preview": "peek glance skim peeking glancing skimming",
    "stop": "terminate abort halt stopping terminating aborting halting",
    "run": "launch trigger execute running launching triggering executing",
    "compare": "contrast comparing contrasting",
    "show": "display displaying showing",
    "list": "enumerate listing enumerating",
    "find": "locate search finding locating searching",
    "link": "hyperlink",
    "bucket": "container",
}

SYNONYMS: dict[str, str] = {word: canonical for canonical, words in _GROUPS.items() for word in words.split()}
