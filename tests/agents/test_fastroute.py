"""The fast router over the real specialists' examples: decide when clear, defer when not."""

from __future__ import annotations

from typing import Any

import pytest

from agents.docs import docs_specialist
from agents.fastroute import Example, FastRouter, Part, clauses_of, router_for
from agents.kfp import kfp_specialist
from agents.storage import storage_specialist

NAMES = ["storage", "pipelines", "docs"]


@pytest.fixture(scope="module")
def router() -> FastRouter:
    # Routing reads only the specialists' names, tools and examples; no backend is needed.
    none: Any = None
    return router_for([storage_specialist(none), kfp_specialist(none), docs_specialist(none)])


@pytest.mark.parametrize(
    ("text", "agent", "intent"),
    [
        ("list my buckets", "storage", "list_buckets"),
        ("lsit my bukets", "storage", "list_buckets"),  # typos still land
        ("show me the pipelines", "pipelines", "list_pipelines"),
        ("list runs", "pipelines", "list_runs"),
        ("what is in raw-data", "storage", "list_objects"),
        ("how do I cache a KFP step?", "docs", None),
    ],
)
def test_clear_cut_requests_are_routed_with_their_tool(router: FastRouter, text: str, agent: str, intent: str) -> None:
    assert router.route(text, NAMES) == [Part(agent, text, intent)]


def test_a_request_that_asks_for_more_than_a_listing_carries_no_tool(router: FastRouter) -> None:
    # It is the storage specialist's, but a model must word the answer: no rendered result.
    text = "which bucket is the biggest?"
    assert router.route(text, NAMES) == [Part("storage", text, None)]


@pytest.mark.parametrize("text", ["hello", "thanks!", "order me a pizza", "remove that one", "same again"])
def test_greetings_out_of_scope_and_bare_references_go_to_the_model(router: FastRouter, text: str) -> None:
    assert router.route(text, NAMES) is None


def test_greetings_are_recognised_as_nobodys(router: FastRouter) -> None:
    assert router.belongs_to_nobody("hello") and not router.belongs_to_nobody("list my buckets")


def test_a_request_spanning_two_specialists_is_split_in_order(router: FastRouter) -> None:
    parts = router.route("upload train.csv to raw-data and then run the iris pipeline", NAMES)
    assert parts == [Part("storage", "upload train.csv to raw-data"), Part("pipelines", "run the iris pipeline")]


def test_a_part_that_builds_on_an_earlier_one_is_left_to_the_model_router(router: FastRouter) -> None:
    assert router.route("upload train.csv to raw-data and validate it", NAMES) is None


def test_a_specialist_that_is_not_available_is_never_chosen(router: FastRouter) -> None:
    assert router.route("list my buckets", ["pipelines", "docs"]) is None


def test_an_unclear_later_clause_joins_the_part_before_it() -> None:
    router = FastRouter(
        [Example("list my buckets", "storage", "list_buckets"), Example("list the pipelines", "pipelines")]
    )
    assert router.route("list my buckets, and quickly", ["storage", "pipelines"]) == [
        Part("storage", "list my buckets, and quickly", None)
    ]


def test_a_close_call_between_two_specialists_is_not_decided() -> None:
    router = FastRouter([Example("list the items", "a"), Example("list the items", "b")])
    assert router.match("list the items") is not None
    assert router.route("list the items", ["a", "b"]) is None


def test_without_examples_nothing_is_routed() -> None:
    assert FastRouter([]).route("list my buckets", ["storage"]) is None


def test_clauses_split_on_steps_not_on_every_and() -> None:
    assert clauses_of("upload a.csv and b.csv to raw") == ["upload a.csv and b.csv to raw"]
    assert clauses_of("upload a.csv; then list the runs") == ["upload a.csv", "list the runs"]
    assert clauses_of("create bucket x and list it") == ["create bucket x", "list it"]
