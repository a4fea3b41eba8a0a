"""The shared text helpers: clause splitting, names, paths, numbers and durations."""

from __future__ import annotations

import pytest

from agents.text import is_context, normalize, split_clauses, without_context


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "create a bucket called demo-data and upload README.md into it",
            ["create a bucket called demo-data", "upload README.md into it"],
        ),
        ("list buckets and then create one", ["list buckets", "create one"]),
        ("upload a.csv, then share it", ["upload a.csv", "share it"]),
        (
            "make bucket x1, upload a.csv to it, and list it",
            ["make bucket x1", "upload a.csv to it", "list it"],
        ),
        ("upload a.csv, and please list it", ["upload a.csv", "please list it"]),
        ("delete a.csv, b.csv, and c.csv from raw", ["delete a.csv, b.csv, and c.csv from raw"]),
        ("tag it with team=ml and stage=dev", ["tag it with team=ml and stage=dev"]),
        ("upload copy.csv and list.txt to raw", ["upload copy.csv and list.txt to raw"]),
        ('list "this and then that"', ['list "this and then that"']),
        ("Create it. Then list it; finally delete it!", ["Create it", "list it", "delete it"]),
        ("upload a.csv and also share it", ["upload a.csv", "share it"]),
        ("first upload a.csv, after that list it", ["first upload a.csv", "list it"]),
    ],
)
def test_split_clauses(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_split_clauses_takes_extra_verbs() -> None:
    assert split_clauses("upload a.csv and nuke b.csv") == ["upload a.csv and nuke b.csv"]
    assert split_clauses("upload a.csv and nuke b.csv", verbs={"nuke"}) == ["upload a.csv", "nuke b.csv"]
    assert split_clauses("list x and get rid of y", verbs={"get rid of"}) == ["list x", "get rid of y"]


def test_empty_input_has_no_clauses() -> None:
    assert split_clauses("  ") == []
    assert split_clauses("then, and") == []


def test_normalize_folds_typography_but_keeps_case() -> None:
    assert normalize("  what\u2019s   in \u201cDemo\u201d\u2013data ") == 'what\'s in "Demo"-data'


@pytest.mark.parametrize(
    ("text", "request_proper"),
    [
        # The story before a request, greetings and thanks around it.
        ("I reworked the scorer. push ./s.py as its new version", "push ./s.py as its new version"),
        ("Good morning. delete x.csv from b1. Thanks!", "delete x.csv from b1."),
        # The situation before "so" / the purpose after it.
        ("we're retiring old-dumps, so move a.csv to new-dumps", "move a.csv to new-dumps"),
        ("move a.csv to new-dumps, so the nightly job picks it up", "move a.csv to new-dumps"),
        ("I need a.csv tagged, so set its stage to ok", "I need a.csv tagged, so set its stage to ok"),
        # What not to do limits the request; it is not one.
        ("register ./f.py as pipeline f1. don't run it yet", "register ./f.py as pipeline f1."),
        ("start iris, no need to wait for it", "start iris"),
        # Nothing but a story stays as it is: there is nothing else to read.
        ("I uploaded a.csv yesterday", "I uploaded a.csv yesterday"),
    ],
)
def test_the_request_proper_is_read_without_story_greetings_or_limits(text: str, request_proper: str) -> None:
    assert without_context(text) == request_proper


def test_a_story_clause_travels_with_the_request_it_explains() -> None:
    from agents.fastroute import clauses_of

    assert clauses_of("batch-9 is done. move in/b9.csv to done/ in etl-1, then list etl-1") == [
        "batch-9 is done. move in/b9.csv to done/ in etl-1",
        "list etl-1",
    ]
    assert is_context("somebody uploaded x.csv twice") and not is_context("upload x.csv twice")
    assert not is_context("I uploaded x.csv, can you tag it?")  # asks for something
