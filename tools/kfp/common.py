"""Small helpers shared by the KFP tool modules: spec construction, paging, time formatting."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from tools.base import Change, ToolSpec
from tools.kfp.context import KfpContext
from tools.kfp.errors import map_kfp_error
from tools.kfp.examples import EXAMPLES
from tools.kfp.summaries import SUMMARIES

ArgsT = TypeVar("ArgsT", bound=BaseModel)

#: Entries fetched per list request; KFP's own default (10) would multiply round trips.
PAGE_SIZE = 100
#: Most records scanned when resolving a name or filtering client-side; bounds a turn's cost.
SCAN_CAP = 1000
#: Run states after which nothing changes any more.
FINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELED", "SKIPPED"})

_quiet_lock = threading.Lock()


class StrictArgs(BaseModel):
    """Unknown argument names fail loudly so a misnamed field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Swallow the SDK's print() of UI links ("Pipeline details: http://..."), which would land
    in the middle of a chat transcript; the lock keeps two tool threads from nesting redirects."""
    with _quiet_lock, contextlib.redirect_stdout(io.StringIO()):
        yield


def iso(value: datetime | None) -> str | None:
    """ISO timestamps; KFP reports "not yet" as the Unix epoch, which means nothing to a person."""
    if value is None or value.year < 2000:
        return None
    return value.isoformat()


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if iso(start) is None or iso(end) is None:
        return None
    return round((end - start).total_seconds(), 1)  # type: ignore[operator]


def now() -> datetime:
    return datetime.now(UTC)


def state_of(obj: Any) -> str:
    """Runtime states as plain upper-case strings ("RUNNING"); unset means not yet scheduled."""
    value = getattr(obj, "state", None)
    return str(value).upper() if value else "PENDING"


def iter_pages(fetch: Callable[[str], Any], field: str, cap: int = SCAN_CAP) -> Iterator[Any]:
    """Every item of a paged KFP listing, up to `cap`; `fetch(page_token)` returns one page."""
    token, seen = "", 0
    while True:
        page = fetch(token)
        for item in getattr(page, field, None) or []:
            yield item
            seen += 1
            if seen >= cap:
                return
        token = getattr(page, "next_page_token", None) or ""
        if not token:
            return


def kfp_tool(
    name: str,
    description: str,
    args_schema: type[ArgsT],
    func: Callable[[ArgsT, KfpContext], Any],
    *,
    mutating: bool,
    preview: Callable[[ArgsT, KfpContext], str | Change] | None = None,
) -> ToolSpec[ArgsT, KfpContext]:
    """A ToolSpec with the kfp group and error mapping. `mutating` is declared by every tool (whether it
    changes state is a fact about the tool, not about whether it has a preview); a mutating tool must
    have a preview, which ToolSpec checks."""
    return ToolSpec(
        name=name,
        description=description,
        args_schema=args_schema,
        func=func,
        group="kfp",
        mutating=mutating,
        preview=preview,
        on_error=map_kfp_error,
        examples=list(EXAMPLES.get(name, [])),  # beside the tools, in examples.py
        summary=SUMMARIES.get(name),  # and how its result reads, in summaries.py
    )
