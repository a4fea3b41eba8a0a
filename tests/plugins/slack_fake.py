"""A fake Slack Web API on loopback, to test the Slack bot through the real slack_sdk clients.

Patching WebClient methods would hide what the SDK really puts on the wire, and that differs per
method: chat.*, views.publish and assistant.threads.setStatus send JSON bodies; auth.test,
files.* and assistant.threads.setTitle send `params`, which AsyncWebClient puts in the query
string of a body-less POST (conversations.replies is a GET) while WebClient form-encodes them into
the body; files.completeUploadExternal sends `files` as a JSON string; files_upload_v2 POSTs the
raw bytes to the URL files.getUploadURLExternal returned (urllib labels them form-encoded) and
expects a text/plain answer; the chat_stream helper sends its text as `chunks`
([{"type": "markdown_text", "text": ...}]), not as markdown_text. This server accepts all of that,
answers like slack.com/api, keeps a small message store, and records every call.

Faults are scripted per method: `fail_next("chat.postMessage", status=429, retry_after=0)` answers
the next call with HTTP 429 and Retry-After, as Slack rate-limits, so retry handlers are exercised.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

TEAM = {"url": "https://fake-team.slack.com/", "team": "Fake Team", "team_id": "T0FAKE"}
BOT = {"user": "swarmops", "user_id": "UBOT", "bot_id": "BBOT"}
TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-")
#: Arguments Slack takes as JSON even inside form data or query strings (the SDK json.dumps some of them).
JSON_FIELDS = frozenset(
    {"attachments", "blocks", "chunks", "files", "loading_messages", "metadata", "prompts", "user_auth_blocks", "view"}
)
STREAM_METHODS = frozenset({"chat.startStream", "chat.appendStream", "chat.stopStream"})
HTTP_ERRORS = {429: "ratelimited", 500: "fatal_error", 503: "service_unavailable"}


@dataclass
class Call:
    """One request to /api/<method>; `failed_status` is set when it was answered by `fail_next`."""

    method: str
    args: dict[str, Any]
    token: str
    failed_status: int | None = None


@dataclass
class Upload:
    """A file shared by files.completeUploadExternal, with the bytes POSTed to its upload URL."""

    file_id: str
    filename: str
    title: str
    content: bytes
    channel: str | None
    thread_ts: str | None


class FakeSlack:
    """The state behind the fake server: calls, messages per channel, files, scripted failures."""

    def __init__(self, url: str, *, streaming: bool = True) -> None:
        #: Base URL for `WebClient(base_url=...)`, ending in "/api/".
        self.url = url
        #: False plays a workspace without chat streaming: the three stream methods are unknown_method.
        self.streaming = streaming
        self._root = url.removesuffix("api/").rstrip("/")
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._failures: dict[str, list[tuple[int, int]]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._uploads: list[Upload] = []
        self._clock = 1_700_000_000_000_000  # microseconds; each new ts is 100 later

    # -- what tests read --------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    @property
    def uploads(self) -> list[Upload]:
        with self._lock:
            return list(self._uploads)

    def of(self, method: str, *, include_failed: bool = False) -> list[dict[str, Any]]:
        """Args of the calls to `method` in order; attempts answered by `fail_next` only if asked."""
        return [c.args for c in self.calls if c.method == method and (include_failed or c.failed_status is None)]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages (top level and replies) in ts order, as they are now."""
        with self._lock:
            return [copy.deepcopy(m) for m in sorted(self._messages.get(channel, {}).values(), key=_ts_key)]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self._lock:
            found = self._messages.get(channel, {}).get(ts)
            if found is None:
                raise KeyError(f"no message {ts} in {channel}; known: {sorted(self._messages.get(channel, {}))}")
            return copy.deepcopy(found)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait until `count` answered calls of `method` were recorded; their args."""
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                self._timed_out(method, count, timeout)
            await asyncio.sleep(0.01)
        return self.of(method)

    def wait_for_sync(self, method: str, count: int = 1, timeout: float = 10) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                self._timed_out(method, count, timeout)
            time.sleep(0.01)
        return self.of(method)

    def _timed_out(self, method: str, count: int, timeout: float) -> None:
        seen = [c.method + (f"({c.failed_status})" if c.failed_status else "") for c in self.calls]
        raise AssertionError(f"expected {count} call(s) of {method} within {timeout}s; recorded: {seen}")

    # -- what tests set up ------------------------------------------------------------------------

    def fail_next(self, method: str, *, status: int = 429, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP `status` (429 carries Retry-After)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = "UHUMAN",
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> str:
        """Put a message the bot did not post (a user's) in the store, e.g. a thread's root; its ts."""
        with self._lock:
            return self._store(channel, {"text": text, "blocks": blocks or [], "thread_ts": thread_ts, "user": user})

    # -- the server side --------------------------------------------------------------------------

    def _answer(self, method: str, args: dict[str, Any], token: str) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Record the call and answer it: HTTP status, extra headers, JSON body."""
        with self._lock:
            queued = self._failures.get(method)
            if queued:
                status, retry_after = queued.pop(0)
                self._calls.append(Call(method, args, token, failed_status=status))
                headers = {"Retry-After": str(retry_after)} if status == 429 else {}
                return status, headers, {"ok": False, "error": HTTP_ERRORS.get(status, f"http_{status}")}
            self._calls.append(Call(method, args, token))
            return 200, {}, self._dispatch(method, args, token)

    def _receive_upload(self, file_id: str, content: bytes) -> bool:
        with self._lock:
            if file_id not in self._files:
                return False
            self._files[file_id]["content"] = content
            return True

    def _dispatch(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith(TOKEN_PREFIXES):
            return {"ok": False, "error": "invalid_auth"}
        handler = _HANDLERS.get(method)
        if handler is None or (method in STREAM_METHODS and not self.streaming):
            return {"ok": False, "error": "unknown_method", "req_method": method}
        return handler(self, args)

    def _new_ts(self) -> str:
        self._clock += 100
        return f"{self._clock // 1_000_000}.{self._clock % 1_000_000:06d}"

    def _store(self, channel: str, fields: dict[str, Any]) -> str:
        ts = self._new_ts()
        self._messages.setdefault(channel, {})[ts] = {"type": "message", "ts": ts, **fields}
        return ts

    def _bot_message(self, channel: str, args: dict[str, Any], **extra: Any) -> dict[str, Any]:
        text = args.get("text") or args.get("markdown_text") or ""
        fields = {"text": text, "blocks": args.get("blocks") or [], "thread_ts": args.get("thread_ts")}
        ts = self._store(channel, {**fields, "user": BOT["user_id"], "bot_id": BOT["bot_id"], **extra})
        return self._messages[channel][ts]

    def _find(self, args: dict[str, Any]) -> dict[str, Any] | None:
        return self._messages.get(args.get("channel", ""), {}).get(args.get("ts", ""))

    # -- methods ----------------------------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, **TEAM, **BOT, "is_enterprise_install": False}

    def _ok(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not any(args.get(k) for k in ("text", "markdown_text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        message = self._bot_message(args["channel"], args)
        return {"ok": True, "channel": args["channel"], "ts": message["ts"], "message": copy.deepcopy(message)}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find(args)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if "text" in args or "markdown_text" in args:
            message["text"] = args.get("text") or args.get("markdown_text") or ""
        if "blocks" in args:
            message["blocks"] = args["blocks"] or []
        message["edited"] = {"user": BOT["user_id"], "ts": self._new_ts()}
        body = {"channel": args["channel"], "ts": message["ts"], "text": message["text"]}
        return {"ok": True, **body, "message": copy.deepcopy(message)}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return {"ok": False, "error": "channel_not_found" if not args.get("channel") else "user_not_in_channel"}
        return {"ok": True, "message_ts": self._new_ts()}

    def _start_stream(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("thread_ts"):
            return {"ok": False, "error": "invalid_arguments"}
        message = self._bot_message(args["channel"], {"thread_ts": args["thread_ts"]}, streaming=True, chunks=[])
        _stream_into(message, args)
        return {"ok": True, "channel": args["channel"], "ts": message["ts"]}

    def _append_stream(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._find(args)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if not message.get("streaming"):
            return {"ok": False, "error": "message_not_in_streaming_state"}
        _stream_into(message, args)
        return {"ok": True, "channel": args["channel"], "ts": message["ts"]}

    def _stop_stream(self, args: dict[str, Any]) -> dict[str, Any]:
        answer = self._append_stream(args)
        if answer["ok"]:
            message = self._find(args)
            assert message is not None
            message["blocks"] = message["blocks"] + (args.get("blocks") or [])
            message["streaming"] = False
            answer["message"] = copy.deepcopy(message)
        return answer

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id") or not isinstance(args.get("view"), dict):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "V0FAKE", **args["view"]}}

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._messages.get(args.get("channel", ""), {}).get(args.get("timestamp", ""))
        if message is not None:
            reactions = message.setdefault("reactions", [])
            if any(r["name"] == args.get("name") for r in reactions):
                return {"ok": False, "error": "already_reacted"}
            reactions.append({"name": args.get("name"), "users": [BOT["user_id"]], "count": 1})
        return {"ok": True}

    def _get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{len(self._files) + 1:08d}"
        self._files[file_id] = {"filename": args["filename"], "length": int(args["length"]), "content": None}
        return {"ok": True, "upload_url": f"{self._root}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            return {"ok": False, "error": "invalid_arguments"}
        if any(self._files.get(f.get("id"), {}).get("content") is None for f in entries):
            return {"ok": False, "error": "file_not_found"}
        channel = args.get("channel_id") or (args.get("channels") or "").split(",")[0] or None
        shared = []
        for entry in entries:
            pending = self._files[entry["id"]]
            title = entry.get("title") or pending["filename"]
            upload = Upload(entry["id"], pending["filename"], title, pending["content"], channel, args.get("thread_ts"))
            self._uploads.append(upload)
            size = len(upload.content)
            shared.append({"id": upload.file_id, "title": title, "name": upload.filename, "size": size})
        if channel:
            share = {"text": args.get("initial_comment") or "", "files": copy.deepcopy(shared)}
            self._bot_message(channel, {"thread_ts": args.get("thread_ts")}, **share)
        return {"ok": True, "files": shared}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel", ""), args.get("ts", "")
        known = self._messages.get(channel, {})
        thread = [m for m in known.values() if m["ts"] == ts or m.get("thread_ts") == ts]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        out = [copy.deepcopy(m) for m in sorted(thread, key=_ts_key)]
        if out[0]["ts"] == ts and len(out) > 1:
            out[0].update(thread_ts=ts, reply_count=len(out) - 1)
        return {"ok": True, "messages": out, "has_more": False, "response_metadata": {"next_cursor": ""}}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's top-level messages, newest first (thread replies are not in the history)."""
        known = self._messages.get(args.get("channel", ""), {})
        top = [m for m in known.values() if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
        limit = int(args.get("limit") or 100)
        out = [copy.deepcopy(m) for m in sorted(top, key=_ts_key, reverse=True)[:limit]]
        return {"ok": True, "messages": out, "has_more": len(top) > limit}


_HANDLERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._post_message,
    "chat.update": FakeSlack._update,
    "chat.postEphemeral": FakeSlack._post_ephemeral,
    "chat.startStream": FakeSlack._start_stream,
    "chat.appendStream": FakeSlack._append_stream,
    "chat.stopStream": FakeSlack._stop_stream,
    "assistant.threads.setStatus": FakeSlack._ok,
    "assistant.threads.setSuggestedPrompts": FakeSlack._ok,
    "assistant.threads.setTitle": FakeSlack._ok,
    "views.publish": FakeSlack._views_publish,
    "reactions.add": FakeSlack._reactions_add,
    "files.getUploadURLExternal": FakeSlack._get_upload_url,
    "files.completeUploadExternal": FakeSlack._complete_upload,
    "conversations.replies": FakeSlack._replies,
    "conversations.history": FakeSlack._history,
}


def _ts_key(message: dict[str, Any]) -> tuple[int, ...]:
    return tuple(int(part) for part in message["ts"].split("."))


def _stream_into(message: dict[str, Any], args: dict[str, Any]) -> None:
    """Add a stream call's markdown_text and chunks (markdown text, blocks, plan/task updates) to the message."""
    message["text"] += args.get("markdown_text") or ""
    for chunk in args.get("chunks") or []:
        message["chunks"].append(chunk)
        if chunk.get("type") == "markdown_text":
            message["text"] += chunk.get("text", "")
        elif chunk.get("type") == "blocks":
            message["blocks"] = message["blocks"] + chunk.get("blocks", [])


def _decode_fields(args: dict[str, Any]) -> dict[str, Any]:
    """Slack accepts blocks, files, ... as JSON strings (form data always, JSON bodies too): decode them."""
    for key in JSON_FIELDS & args.keys():
        if isinstance(args[key], str):
            with contextlib.suppress(ValueError):  # not JSON after all: Slack would say invalid_arguments
                args[key] = json.loads(args[key])
    return args


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Form fields as str, file parts as bytes."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = payload if part.get_filename() else payload.decode()
    return fields


def _parse_args(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query-string params merged with the body, however it is encoded."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        args.update(json.loads(body))
    elif kind == "multipart/form-data":
        args.update(_parse_multipart(content_type, body))
    elif body:
        args.update(parse_qsl(body.decode(), keep_blank_values=True))
    return _decode_fields(args)


def _token(authorization: str, args: dict[str, Any]) -> str:
    """The bearer token, or a `token` argument (Slack also takes it from form data)."""
    scheme, _, value = authorization.partition(" ")
    from_arg = str(args.pop("token", ""))
    return value.strip() if scheme.lower() == "bearer" else from_arg


def _read_file_part(content_type: str, body: bytes) -> bytes:
    """The bytes of an upload: the raw body, or the first file part of a multipart body."""
    if content_type.lower().startswith("multipart/form-data"):
        parts = _parse_multipart(content_type, body)
        return next((v for v in parts.values() if isinstance(v, bytes)), b"")
    return body


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _reply(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while size := int(self.rfile.readline().split(b";")[0], 16):
                    data += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
                return data
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            body = self._body()
            content_type = self.headers.get("Content-Type", "")
            if parts.path.startswith("/upload/") and self.command == "POST":
                file_id = parts.path.removeprefix("/upload/")
                content = _read_file_part(content_type, body)
                if fake._receive_upload(file_id, content):
                    self._reply(200, f"OK - {len(content)}".encode(), "text/plain; charset=utf-8")
                else:
                    self._reply(404, b"Not Found", "text/plain; charset=utf-8")
                return
            if not parts.path.startswith("/api/"):
                self._reply(404, b"Not Found", "text/plain; charset=utf-8")
                return
            try:
                args = _parse_args(parts.query, content_type, body)
            except ValueError:
                self._reply(200, b'{"ok": false, "error": "invalid_json"}', "application/json; charset=utf-8")
                return
            token = _token(self.headers.get("Authorization", ""), args)
            status, headers, answer = fake._answer(parts.path.removeprefix("/api/"), args, token)
            self._reply(status, json.dumps(answer).encode(), "application/json; charset=utf-8", headers)

        do_GET = _handle
        do_POST = _handle

    return Handler


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    fake = FakeSlack(url=f"http://127.0.0.1:{server.server_address[1]}/api/")
    server.RequestHandlerClass = _make_handler(fake)
    # A short poll interval: shutdown() waits up to one interval, and the default (0.5 s) is paid per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()
