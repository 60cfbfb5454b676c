"""Local HTTP receivers standing in for the group robots of WeCom, DingTalk and Feishu: each
checks the signature as its vendor documents and answers as the vendor does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    kind: str
    secret: str = ""
    url: str = ""
    messages: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # Answer this many requests with an error first (to see the retries).
    fail_first: int = 0

    def check(self, path: str, body: dict) -> bool:
        if self.kind == "dingtalk":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
            stamp, sign = query["timestamp"][0], query["sign"][0]
            text = f"{stamp}\n{self.secret}".encode()
            digest = hmac.new(self.secret.encode(), text, hashlib.sha256).digest()
            return sign == base64.b64encode(digest).decode()
        if self.kind == "feishu":
            key = f"{body['timestamp']}\n{self.secret}".encode()
            digest = hmac.new(key, b"", hashlib.sha256).digest()
            return body["sign"] == base64.b64encode(digest).decode()
        return "key=" in path  # WeCom: the robot's key is in the webhook URL

    def text(self, body: dict) -> str:
        if self.kind == "feishu":
            return body["content"]["text"]
        return body["text"]["content"]

    def answer(self, ok: bool) -> dict:
        if self.kind == "feishu":
            return (
                {"code": 0, "msg": "success"} if ok else {"code": 19021, "msg": "sign match fail"}
            )
        return {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 310000, "errmsg": "sign fail"}


@contextmanager
def receivers(*kinds: str) -> Iterator[dict[str, Receiver]]:
    made = {kind: Receiver(kind, secret=f"SEC{kind}") for kind in kinds}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            kind = self.path.strip("/").split("/")[0].split("?")[0]
            receiver = made[kind]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ok = receiver.check(self.path, body)
            if receiver.fail_first:
                receiver.fail_first -= 1
                ok = False
            (receiver.messages if ok else receiver.refused).append(receiver.text(body))
            payload = json.dumps(receiver.answer(ok)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for kind, receiver in made.items():
        receiver.url = f"{base}/{kind}" + ("?key=robot-key" if kind == "wecom" else "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield made
    finally:
        server.shutdown()
        server.server_close()
