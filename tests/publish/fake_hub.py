"""A local HTTP server speaking the few Hub endpoints that ``create_repo`` + ``upload_folder``
use on the plain LFS path (huggingface_hub 2.4 with ``HF_HUB_DISABLE_XET=1``), storing what it
receives so a test can compare it with the folder that was uploaded.

Endpoints: ``POST /api/repos/create``, ``POST /api/validate-yaml``,
``POST /api/datasets/<repo>/preupload/<rev>`` (Parquet goes to LFS, the rest inline),
``POST /datasets/<repo>.git/info/lfs/objects/batch``, ``PUT /lfs/<oid>``,
``POST /lfs/<oid>/verify`` and ``POST /api/datasets/<repo>/commit/<rev>`` (ndjson).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class HubState:
    repos: dict[str, dict] = field(default_factory=dict)  # repo id -> create payload
    lfs: dict[str, bytes] = field(default_factory=dict)  # oid -> bytes
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # repo id -> path -> bytes
    commits: list[dict] = field(default_factory=list)
    authorizations: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)


_PREUPLOAD = re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/preupload/(?P<rev>[^/?]+)")
_COMMIT = re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/commit/(?P<rev>[^/?]+)")
_BATCH = re.compile(r"^/datasets/(?P<repo>[^/]+/[^/]+)\.git/info/lfs/objects/batch$")
_LFS = re.compile(r"^/lfs/(?P<oid>[0-9a-f]{64})(?P<verify>/verify)?$")


def _handler(state: HubState, base_url: callable):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _reply(self, status: int, payload) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self) -> None:
            state.requests.append(f"PUT {self.path}")
            m = _LFS.match(self.path)
            data = self._body()
            if not m or hashlib.sha256(data).hexdigest() != m["oid"]:
                return self._reply(400, {"error": "bad LFS upload"})
            state.lfs[m["oid"]] = data
            self._reply(200, {})

        def do_POST(self) -> None:
            state.requests.append(f"POST {self.path}")
            if auth := self.headers.get("Authorization"):
                state.authorizations.add(auth)
            body = self._body()
            path = self.path.split("?")[0]
            if path == "/api/repos/create":
                payload = json.loads(body)
                repo = f"{payload['organization']}/{payload['name']}"
                state.repos[repo] = payload
                state.files.setdefault(repo, {})
                return self._reply(200, {"url": f"{base_url()}/datasets/{repo}"})
            if path == "/api/validate-yaml":
                return self._reply(200, {"errors": [], "warnings": []})
            if m := _PREUPLOAD.match(path):
                files = json.loads(body)["files"]
                return self._reply(200, {"files": [
                    {"path": f["path"], "uploadMode": "lfs" if f["path"].endswith(".parquet") else "regular",
                     "shouldIgnore": False, "oid": None} for f in files]})
            if m := _BATCH.match(path):
                objects = json.loads(body)["objects"]
                return self._reply(200, {"transfer": "basic", "objects": [
                    {"oid": o["oid"], "size": o["size"], "actions": {
                        "upload": {"href": f"{base_url()}/lfs/{o['oid']}"},
                        "verify": {"href": f"{base_url()}/lfs/{o['oid']}/verify"}}} for o in objects]})
            if m := _LFS.match(path):
                ok = m["verify"] and json.loads(body)["oid"] in state.lfs
                return self._reply(200 if ok else 404, {})
            if m := _COMMIT.match(path):
                return self._commit(m["repo"], body)
            self._reply(404, {"error": f"fake hub does not serve POST {path}"})

        def _commit(self, repo: str, body: bytes) -> None:
            lines = [json.loads(line) for line in body.splitlines() if line.strip()]
            if repo not in state.repos:
                return self._reply(404, {"error": "Repository not found"})
            for item in lines:
                value = item["value"]
                if item["key"] == "file":
                    state.files[repo][value["path"]] = base64.b64decode(value["content"])
                elif item["key"] == "lfsFile":
                    if value["oid"] not in state.lfs:
                        return self._reply(400, {"error": f"LFS object {value['oid']} was never uploaded"})
                    state.files[repo][value["path"]] = state.lfs[value["oid"]]
            state.commits.append({"repo": repo, "operations": lines})
            oid = hashlib.sha1(body).hexdigest()
            self._reply(200, {"commitUrl": f"{base_url()}/datasets/{repo}/commit/{oid}", "commitOid": oid})

    return Handler


class FakeHub:
    """``with FakeHub() as hub:`` serves on ``hub.url`` from a background thread."""

    def __init__(self) -> None:
        self.state = HubState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state, lambda: self.url))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
