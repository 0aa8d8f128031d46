"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests, scriptable per test.

It answers ``POST /v1/chat/completions`` in whichever shape the request asks for
(tool call, ``json_schema`` or ``json_object`` content), filling the requested
schema: every criterion object gets a reason and ``passed`` (or ``score``).
A criterion fails when the prompt contains one of ``fail_markers``.

Faults are queued per test: ``server.faults.extend([...])`` with items such as
``("status", 429, {"Retry-After": "0"})``, ``("status", 500, {})``, ``("sleep", 2.0)``
(longer than the client's timeout), ``("malformed",)``, ``("wrong_schema",)``,
``("refusal",)``. Each request pops one fault, if any, else gets ``always``; ``latency`` applies to all.

It also stubs the Batch API: ``POST /v1/files`` (multipart upload), ``POST /v1/batches``,
``GET /v1/batches/{id}`` and ``GET /v1/files/{id}/content``. A job stays in progress for ``batch_polls``
polls, then answers every line as a live call (faults included) and ends as ``batch_end`` says.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
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

    # the Batch API (/v1/files, /v1/batches): a job answers each line as a live call would (faults included)
    batch_polls: int = 1  # polls that find a job in progress before it ends
    batch_end: str = "completed"  # how jobs end: completed, failed, expired (half answered) or cancelled
    batch_drop: int = 0  # result lines left out of each job's output
    files: dict[str, bytes] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        parts = self.path.split("?")[0].rstrip("/").split("/")
        if parts[-1] == "batches":
            self._send(200, {"object": "list", "data": [_public(j) for j in reversed(self.llm.jobs.values())], "has_more": False})
        elif len(parts) >= 4 and parts[-2] == "batches":
            self._retrieve_job(parts[-1])
        elif len(parts) >= 5 and parts[-3] == "files" and parts[-1] == "content":
            data = self.llm.files.get(parts[-2])
            self._send(200, None, raw=data) if data is not None else self._send(404, {"error": {"message": "no such file"}})
        else:
            self._send(200, {"requests": len(self.llm.requests)})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        if self.path.rstrip("/").endswith("/files"):
            self._upload(data)
            return
        if self.path.rstrip("/").endswith("/batches"):
            self._create_job(json.loads(data))
            return
        body = json.loads(data or b"{}")
        prompt = _prompt(body)
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

    def _upload(self, data: bytes) -> None:
        message = BytesParser(policy=default).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + data)
        fields = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True) for part in message.iter_parts()}
        with self.llm.lock:
            file_id = f"file-{len(self.llm.files) + 1}"
            self.llm.files[file_id] = fields["file"]
        self._send(200, {"id": file_id, "object": "file", "bytes": len(fields["file"]), "created_at": int(time.time()),
                         "filename": "batch.jsonl", "purpose": fields.get("purpose", b"").decode(), "status": "processed"})

    def _create_job(self, body: dict[str, Any]) -> None:
        with self.llm.lock:
            job_id = f"batch_{len(self.llm.jobs) + 1}"
            job = {"id": job_id, "object": "batch", "endpoint": body["endpoint"], "input_file_id": body["input_file_id"],
                   "completion_window": body["completion_window"], "status": "validating", "created_at": int(time.time()),
                   "metadata": body.get("metadata"), "output_file_id": None, "error_file_id": None, "errors": None,
                   "polls_left": self.llm.batch_polls}
            self.llm.jobs[job_id] = job
        self._send(200, _public(job))

    def _retrieve_job(self, job_id: str) -> None:
        llm = self.llm
        job = llm.jobs.get(job_id)
        if job is None:
            self._send(404, {"error": {"message": "no such batch"}})
            return
        if job["status"] not in ("completed", "failed", "expired", "cancelled"):
            if job["polls_left"] > 0:
                job["polls_left"] -= 1
                job["status"] = "in_progress"
            else:
                self._run_job(job)
        self._send(200, _public(job))

    def _run_job(self, job: dict[str, Any]) -> None:
        llm = self.llm
        lines = [json.loads(x) for x in llm.files[job["input_file_id"]].decode().splitlines() if x.strip()]
        if llm.batch_end in ("failed", "cancelled"):
            job["status"] = llm.batch_end
            job["errors"] = {"object": "list", "data": [{"code": "injected", "message": f"injected {llm.batch_end}"}]}
            return
        if llm.batch_end == "expired":
            lines = lines[: len(lines) // 2]
        lines = lines[: max(0, len(lines) - llm.batch_drop)]
        out, errors = [], []
        for n, line in enumerate(lines):
            body = line["body"]
            with llm.lock:
                llm.requests.append(Recorded(body, _prompt(body), time.time()))
            code, payload, _ = _completion(llm, body, _prompt(body))
            row = {"id": f"req_{n}", "custom_id": line["custom_id"], "response": {"status_code": code, "body": payload}, "error": None}
            (out if code == 200 else errors).append(json.dumps(row))
        for kind, rows in (("output_file_id", out), ("error_file_id", errors)):
            if rows:
                file_id = f"file-{len(llm.files) + 1}"
                llm.files[file_id] = ("\n".join(rows) + "\n").encode()
                job[kind] = file_id
        job["status"] = llm.batch_end

    def _done(self) -> None:
        """Count this request out of ``in_flight`` once (before its answer is written, so that a client that has
        read it and starts the next never finds it still counted)."""
        if getattr(self, "_counted", False):
            self._counted = False
            with self.llm.lock:
                self.llm.in_flight -= 1

    def _answer(self, body: dict[str, Any], prompt: str) -> None:
        code, payload, headers = _completion(self.llm, body, prompt)
        self._send(code, None, headers, raw=payload) if isinstance(payload, bytes) else self._send(code, payload, headers)


def _prompt(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


def _public(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "polls_left"}


def _completion(llm: ScriptedLLM, body: dict[str, Any], prompt: str) -> tuple[int, Any, dict[str, str]]:
    """The answer to one chat-completions request: (HTTP status, payload, headers), after the next fault."""
    fault = llm.next_fault()
    if llm.latency:
        time.sleep(llm.latency)
    if fault and fault[0] == "status":
        return fault[1], {"error": {"message": f"injected {fault[1]}", "type": "test"}}, fault[2]
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
        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}]
    else:
        message["content"] = content
    return 200, {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": 20, "total_tokens": len(prompt) // 4 + 20},
    }, {}


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
