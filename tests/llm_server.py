"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests, scriptable per test.

It answers ``POST /v1/chat/completions`` in whichever shape the request asks for
(tool call, ``json_schema`` or ``json_object`` content), filling the requested
schema: every criterion object gets a reason and ``passed`` (or ``score``).
A criterion fails when the prompt contains one of ``fail_markers``.

Faults are queued per test: ``server.faults.extend([...])`` with items such as
``("status", 429, {"Retry-After": "0"})``, ``("status", 500, {})``, ``("sleep", 2.0)``
(longer than the client's timeout), ``("malformed",)``, ``("wrong_schema",)``,
``("refusal",)``. Each request pops one fault, if any, else gets ``always``; ``latency`` applies to all.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    body: dict[str, Any]
    prompt: str
    at: float


@dataclass
class ScriptedLLM:
    fail_markers: tuple[str, ...] = ("BADWORD",)
    latency: float = 0.0
    faults: list[tuple] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    verdict: Callable[[str, str, dict], bool] | None = None  # (criterion, prompt, request body) -> passed
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    generation: dict[str, Any] | None = None  # the answer to a ThemeProposal (generation) request

    always: tuple | None = None  # a fault for every request once the queue is empty

    def next_fault(self) -> tuple | None:
        with self.lock:
            return self.faults.pop(0) if self.faults else self.always

    def passed(self, criterion: str, prompt: str, body: dict) -> bool:
        if self.verdict is not None:
            return self.verdict(criterion, prompt, body)
        return not any(m in prompt for m in self.fail_markers)


def _schema_of(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if body.get("tools"):
        fn = body["tools"][0]["function"]
        return "tools", fn["parameters"]
    rf = body.get("response_format") or {}
    if rf.get("type") == "json_schema":
        return "json_schema", rf["json_schema"]["schema"]
    # JSON / Markdown-JSON modes state the schema inside the messages
    for m in body.get("messages", []):
        text = str(m.get("content") or "")
        for found in re.finditer(r'\{\s*"', text):
            start = found.start()
            try:
                schema, _ = json.JSONDecoder().raw_decode(text[start:])
                if isinstance(schema, dict) and "properties" in schema:
                    return "json", schema
            except ValueError:
                pass
    return "json", {}


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return root.get("$defs", {}).get(name, {})
    if "anyOf" in schema:
        return _resolve(schema["anyOf"][0], root)
    return schema


def _fill(schema: dict[str, Any], prompt: str, llm: ScriptedLLM, body: dict) -> dict[str, Any]:
    if schema.get("title") == "ThemeProposal" or "ThemeProposal" in json.dumps(body.get("tools") or body.get("response_format") or {}):
        return dict(llm.generation or {"theme": "Weeknight taco night", "keywords": ["taco shells", "salsa verde"]})
    out: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        sub = _resolve(prop, schema)
        props = sub.get("properties", {})
        ok = llm.passed(name, prompt, body)
        item: dict[str, Any] = {"reason": f"{name}: {'fine' if ok else 'fails'}"}
        if "passed" in props:
            item["passed"] = ok
        if "score" in props:
            item["score"] = 5 if ok else 1
        out[name] = item
    return out


class _Handler(BaseHTTPRequestHandler):
    llm: ScriptedLLM

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self._done()  # the answer is ready: the client may start another request once it has read this one
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802
        self._send(200, {"requests": len(self.llm.requests)})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        llm = self.llm
        with llm.lock:
            llm.requests.append(Recorded(body, prompt, time.time()))
            llm.in_flight += 1
            llm.max_in_flight = max(llm.max_in_flight, llm.in_flight)
        self._counted = True
        try:
            self._answer(body, prompt)
        finally:
            self._done()

    def _done(self) -> None:
        """Count this request out of ``in_flight`` once (before its answer is written, so that a client that has
        read it and starts the next never finds it still counted)."""
        if getattr(self, "_counted", False):
            self._counted = False
            with self.llm.lock:
                self.llm.in_flight -= 1

    def _answer(self, body: dict[str, Any], prompt: str) -> None:
        llm = self.llm
        fault = llm.next_fault()
        if llm.latency:
            time.sleep(llm.latency)
        if fault and fault[0] == "status":
            self._send(fault[1], {"error": {"message": f"injected {fault[1]}", "type": "test"}}, fault[2])
            return
        if fault and fault[0] == "sleep":
            time.sleep(fault[1])
        mode, schema = _schema_of(body)
        args = _fill(schema, prompt, llm, body)
        if fault and fault[0] == "wrong_schema":
            args = {"verdict": "pass", "score": 10}
        content = json.dumps(args)
        if fault and fault[0] == "malformed":
            content = '{"reason": "cut off'
        message: dict[str, Any] = {"role": "assistant", "content": None}
        if fault and fault[0] == "refusal":
            message = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
        elif mode == "tools":
            name = body["tools"][0]["function"]["name"]
            message["tool_calls"] = [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}
            ]
        else:
            message["content"] = content
        self._send(
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "test-model"),
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": 20, "total_tokens": len(prompt) // 4 + 20},
            },
        )


class LLMServer:
    """Start with ``with LLMServer() as srv:``; ``srv.base_url`` ends in ``/v1``."""

    def __init__(self, llm: ScriptedLLM | None = None) -> None:
        self.llm = llm or ScriptedLLM()
        handler = type("Handler", (_Handler,), {"llm": self.llm})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> LLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
