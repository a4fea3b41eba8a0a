"""KFP list semantics: `filter` (JSON Filter proto), `sort_by`, `page_size` / `page_token`.

kfp.Client depends on display_name filtering (create_experiment is get-or-create, get_pipeline_id
looks a pipeline up by name), so predicates must work; operations arrive as enum numbers or names,
values as snake_case or camelCase keys, depending on the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from swarmops.services.kfp_server.errors import ApiError

_OPS = {
    1: "EQUALS",
    2: "NOT_EQUALS",
    3: "GREATER_THAN",
    5: "GREATER_THAN_EQUALS",
    6: "LESS_THAN",
    7: "LESS_THAN_EQUALS",
    8: "IN",
    9: "IS_SUBSTRING",
}
_SCALAR_KEYS = (
    "string_value",
    "stringValue",
    "int_value",
    "intValue",
    "long_value",
    "longValue",
    "timestamp_value",
    "timestampValue",
)
_LIST_KEYS = ("string_values", "stringValues", "int_values", "intValues", "long_values", "longValues")
_ALIASES = {"name": "display_name"}  # KFP accepts both spellings for the name
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "EQUALS": lambda x, v: x == v,
    "NOT_EQUALS": lambda x, v: x != v,
    "IN": lambda x, v: x in v,
    "IS_SUBSTRING": lambda x, v: str(v) in str(x or ""),
    "GREATER_THAN": lambda x, v: x is not None and x > v,
    "GREATER_THAN_EQUALS": lambda x, v: x is not None and x >= v,
    "LESS_THAN": lambda x, v: x is not None and x < v,
    "LESS_THAN_EQUALS": lambda x, v: x is not None and x <= v,
}


def _predicate(raw: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    op = raw.get("operation", raw.get("op"))
    if isinstance(op, int) or (isinstance(op, str) and op.isdigit()):
        op = _OPS.get(int(op))
    if op not in _COMPARE:
        raise ApiError.invalid(f"unsupported filter operation {raw.get('operation')!r}")
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise ApiError.invalid("filter predicate needs a key")
    value: Any = next((raw[k] for k in _SCALAR_KEYS if k in raw), None)
    if value is None:
        listed = next((raw[k] for k in _LIST_KEYS if k in raw), None)
        value = (listed or {}).get("values", []) if isinstance(listed, dict) else listed
    if isinstance(value, str) and any(k in raw for k in ("int_value", "intValue", "long_value", "longValue")):
        value = int(value)
    compare = _COMPARE[op]

    def matches(record: dict[str, Any]) -> bool:
        field = record.get(key, record.get(_ALIASES.get(key, key)))
        try:
            return compare(field, value)
        except TypeError:
            return False

    return matches


def apply_list(items: Iterable[dict[str, Any]], query: dict[str, str], collection: str) -> dict[str, Any]:
    """Filter, sort and page `items`; returns the list response body (`collection`, total_size, next_page_token)."""
    records = list(items)
    if query.get("filter"):
        try:
            spec = json.loads(query["filter"])
        except ValueError as exc:
            raise ApiError.invalid(f"filter is not valid JSON: {exc}") from None
        for raw in (spec or {}).get("predicates", []):
            keep = _predicate(raw)
            records = [r for r in records if keep(r)]
    sort = (query.get("sort_by") or "created_at").split()
    descending = len(sort) > 1 and sort[1].lower() == "desc"
    field = _ALIASES.get(sort[0], sort[0])
    records.sort(key=lambda r: str(r.get(field, "")), reverse=descending)
    try:
        start = int(query.get("page_token") or 0)
        size = int(query.get("page_size") or 0)
    except ValueError:
        raise ApiError.invalid("page_token and page_size must be integers") from None
    size = size if size > 0 else max(len(records), 1)
    page = records[start : start + size]
    next_token = str(start + size) if start + size < len(records) else ""
    return {collection: page, "total_size": len(records), "next_page_token": next_token}
