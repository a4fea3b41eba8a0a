"""HTTP mode: the Events API endpoint on loopback, with Slack's request signatures checked."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import urllib.parse
from pathlib import Path

import aiohttp

from agents.storage import storage_specialist
from swarmops.slack.blocks import APPROVE
from swarmops.slack.serve import EVENTS_PATH, serve_http
from tests.helpers import raw_client, storage_ctx
from tests.swarmops.slack.harness import ALICE, CHANNEL, approvals, click, mention, running_bot, slack_settings

SECRET = "signing-secret-for-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _signed(body: str, secret: str = SECRET, when: int | None = None) -> dict[str, str]:
    stamp = str(when or int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


async def _post(url: str, body: str, content_type: str, headers: dict[str, str]) -> tuple[int, str]:
    headers = {"Content-Type": content_type, **headers}
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


async def test_signed_requests_are_served_and_bad_signatures_rejected(
    tmp_path: Path, s3_endpoint: str, slack_api
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
    specialists = [storage_specialist(storage_ctx(s3_endpoint, tmp_path))]
    async with running_bot(tmp_path, slack_settings(slack_api.url), specialists) as bot:
        runner = await serve_http(bot, "127.0.0.1", port)
        try:
            challenge = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
            status, answer = await _post(url, challenge, "application/json", _signed(challenge))
            assert (status, json.loads(answer)) == (200, {"challenge": "c-123"})
            # A request signed with another secret, or replayed long after, is refused and runs nothing.
            body = json.dumps(mention("create a bucket called forged"))
            assert (await _post(url, body, "application/json", _signed(body, "not-the-secret")))[0] == 401
            assert (await _post(url, body, "application/json", _signed(body, when=int(time.time()) - 3600)))[0] == 401
            await bot.idle()
            assert not slack_api.messages(CHANNEL) and not bot.assistant.list_threads()
            # Signed properly: acknowledged, and the change waits for its approval button.
            status, _ = await _post(url, body, "application/json", _signed(body))
            assert status == 200
            await bot.idle()
            pending = approvals(slack_api.messages(CHANNEL))
            assert len(pending) == 1
            # Interactivity arrives form-encoded (payload=...), signed the same way.
            form = urllib.parse.urlencode({"payload": json.dumps(click(pending[0], APPROVE, ALICE))})
            status, _ = await _post(url, form, "application/x-www-form-urlencoded", _signed(form))
            assert status == 200
            await bot.idle()
        finally:
            await runner.cleanup()
    assert raw_client(s3_endpoint).bucket_exists("forged")
