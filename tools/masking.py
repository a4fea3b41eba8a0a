"""Keep secrets out of output, logs, events and stored conversations.

Three defences: values under secret-looking keys are masked wherever they sit in a structure;
known secret values (from settings, the embedded store's key) are scrubbed from any string; and
text that has the shape of a credential (an OpenAI or AWS key someone pasted, a bearer token, a
`password=...`, a private key block, a password in a URL) is masked even though we never knew it.
Presigned-URL signatures are credentials too, so they are masked in logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_SECRET_KEY = re.compile(r"(secret|password|passwd|token|api[_-]?key|access[_-]?key|credential|cookie)", re.I)
_SIGNATURE = re.compile(r"(X-Amz-Signature|X-Amz-Credential|Signature)=[^&\s\"']+", re.I)

#: Credentials recognisable by their shape. Each pattern's group "s" is the part that is masked.
_SHAPES = [
    r"(?P<s>\bsk-(?:[A-Za-z]+-)?[A-Za-z0-9_-]{20,})",  # OpenAI / Anthropic style API keys
    r"(?P<s>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)",  # AWS access key ids
    r"(?P<s>\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,})",  # GitHub tokens
    r"(?P<s>\bxox[abprs]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,})",  # Slack tokens
    r"(?P<s>\bAIza[0-9A-Za-z_-]{35})",  # Google API keys
    r"(?P<s>\bhf_[A-Za-z0-9]{30,})",  # Hugging Face tokens
    r"(?P<s>\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})",  # JWTs
    r"(?P<s>-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)",
    r"\b[Bb]earer\s+(?P<s>[A-Za-z0-9._~+/-]{16,}=*)",
    # password=..., "secret_key": "...", api-key: ... (the value only; the name stays readable)
    r"(?i:\b[a-z0-9_.-]*(?:secret|passw(?:or)?d|token|api[_-]?key|access[_-]?key)[a-z0-9_.-]*)[\"']?\s*[:=]\s*[\"']?"
    r"(?P<s>(?=[^\s\"',;&]*[A-Za-z])[^\s\"',;&]{8,})",
    r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<s>[^@\s/]{3,})@",  # a password inside a URL
]
_SHAPE = re.compile("|".join(f"(?:{p.replace('?P<s>', '?P<s' + str(i) + '>')})" for i, p in enumerate(_SHAPES)))


def _mask_shape(match: re.Match[str]) -> str:
    text, base = match.group(0), match.start()
    for name, value in match.groupdict().items():
        if value is not None and name.startswith("s"):
            start, end = match.span(name)
            return text[: start - base] + mask_value(value) + text[end - base :]
    return text


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
        value = _SHAPE.sub(_mask_shape, value)
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
