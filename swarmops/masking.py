"""Keep secrets out of output, logs and events.

Two defences: values under secret-looking keys are masked wherever they sit in a structure, and
known secret values (from settings) are scrubbed from any string, including error messages.
Presigned-URL signatures are credentials too, so they are masked in logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_SECRET_KEY = re.compile(r"(secret|password|passwd|token|api[_-]?key|access[_-]?key|credential|cookie)", re.I)
_SIGNATURE = re.compile(r"(X-Amz-Signature|X-Amz-Credential|Signature)=[^&\s\"']+", re.I)


def mask_value(value: str) -> str:
    """Show just enough to recognise which secret it is."""
    if len(value) <= 8:
        return "****"
    return f"{value[:3]}…{value[-2:]}"


class Masker:
    """Masks a fixed list of secrets, or a provider's current list (secrets such as the embedded
    store's key only exist once a service has started)."""

    def __init__(self, secrets: Iterable[str] | Callable[[], Iterable[str]] = ()) -> None:
        self._provider = secrets if callable(secrets) else None
        self._fixed = self._normalise(secrets) if not callable(secrets) else []

    @staticmethod
    def _normalise(secrets: Iterable[str]) -> list[str]:
        return sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    @property
    def secrets(self) -> list[str]:
        return self._normalise(self._provider()) if self._provider else self._fixed

    def text(self, value: str, *, signatures: bool = False) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, mask_value(secret))
        if signatures:
            value = _SIGNATURE.sub(lambda m: f"{m.group(1)}=****", value)
        return value

    def data(self, value: Any, *, signatures: bool = False) -> Any:
        """Deep copy of `value` with secrets masked."""
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if isinstance(k, str) and _SECRET_KEY.search(k) and isinstance(v, str) and v:
                    out[k] = mask_value(v)
                else:
                    out[k] = self.data(v, signatures=signatures)
            return out
        if isinstance(value, list | tuple):
            return [self.data(v, signatures=signatures) for v in value]
        if isinstance(value, str):
            return self.text(value, signatures=signatures)
        return value
