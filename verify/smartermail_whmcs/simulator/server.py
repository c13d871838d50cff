"""HTTP(S) server and the in-process ``Simulator`` API (start / stop / url)."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import socket
import ssl
import struct
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from smartermail_whmcs.simulator import control
from smartermail_whmcs.simulator.config import SimulatorConfig
from smartermail_whmcs.simulator.envelope import ApiError, Call
from smartermail_whmcs.simulator.faults import FaultRule
from smartermail_whmcs.simulator.router import api_relative, authorize, find_route, refine_not_found
from smartermail_whmcs.simulator.state import State
from smartermail_whmcs.simulator.tls import CertFiles, server_context, write_cert_files

MAX_BODY = 10 * 1024 * 1024
NOT_FOUND_HTML = (
    b"<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head>"
    b"<body><h2>404 - File or directory not found.</h2><p>The resource you are looking for might have"
    b" been removed, had its name changed, or is temporarily unavailable.</p></body></html>"
)
ERROR_500_HTML = (
    b"<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head>"
    b"<body><h2>500 - Internal server error.</h2><p>There is a problem with the resource you are"
    b" looking for, and it cannot be displayed.</p></body></html>"
)
MALFORMED_JSON = b'{"success":true,"resultCode":200,"data":[{"name":"trunc'
HOME_HTML = b"<!DOCTYPE html><html><head><title>SmarterMail</title></head><body>simulator</body></html>"


class _Abort(Exception):
    """The connection was dropped on purpose (reset / timeout fault): send nothing more."""


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must never hold up shutdown
    request_queue_size = 128  # bursts of parallel test clients must not be refused

    def __init__(self, simulator: Simulator, address: tuple[str, int], ssl_context: ssl.SSLContext | None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.ssl_context = ssl_context
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, SimulatorHandler)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            # Handshake later, in the worker thread, so a slow client cannot stall accept().
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        if self.simulator.config.log_requests:
            super().handle_error(request, client_address)

    def close_all_connections(self) -> None:
        with self.connections_lock:
            for sock in list(self.connections):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"  # what real installs answer with (GUESS for new builds)
    sys_version = ""
    timeout = 60
    # Headers and body leave in two writes; with Nagle on, a keep-alive client's delayed ACK holds
    # the body back ~40 ms on every answer.
    disable_nagle_algorithm = True
    server: SimulatorHTTPServer

    # -- connection lifecycle ------------------------------------------------------------------
    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.request)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.request)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        if self.server.simulator.config.log_requests:
            super().log_message(format, *args)

    # -- dispatch ------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        sim = self.server.simulator
        path = urlsplit(self.path).path
        try:
            raw = self._read_body()
            if path.startswith(control.PREFIX):
                status, body = control.handle(sim.state, self.command, path, raw)
                self._send_json(status, body)
            elif path.lower().startswith("/api/") or path.lower() == "/api":
                self._serve_api(sim, path, raw)
            elif path == "/":
                self._send(200, "text/html; charset=utf-8", HOME_HTML)
            else:
                self._send(404, "text/html; charset=utf-8", NOT_FOUND_HTML)
        except _Abort:
            self.close_connection = True

    def _serve_api(self, sim: Simulator, path: str, raw: bytes) -> None:
        state = sim.state
        latency = state.runtime.latency_ms
        if latency:
            time.sleep(latency / 1000)
        with state.lock:
            rule = state.faults.pick(self.command, path)
        if rule is not None:
            self._apply_fault(rule, path)
            return
        status, body = self._dispatch(state, path, raw)
        state.log_request(self.command, path, status)
        self._send_json(status, body)

    def _dispatch(self, state: State, path: str, raw: bytes) -> tuple[int, dict[str, object]]:
        headers = {k.lower(): v for k, v in self.headers.items()}
        relative = api_relative(path)
        call = Call(state, self.command, path, {}, None, headers, base_url=self.server.simulator.url)
        with state.lock:
            try:
                try:
                    route, call.params = find_route(self.command, relative if relative is not None else "\0")
                except ApiError as exc:
                    raise refine_not_found(call, relative or "", exc) from None
                authorize(call, route)
                call.body = _parse_body(raw, headers.get("content-type", ""))
                return 200, route.handler(call)
            except ApiError as exc:
                return exc.status, exc.body()

    def _apply_fault(self, rule: FaultRule, path: str) -> None:
        state = self.server.simulator.state
        fault = rule.fault
        if fault == "api-disabled":
            state.log_request(self.command, path, 404)
            self._send(404, "text/html; charset=utf-8", NOT_FOUND_HTML)
        elif fault == "http-500":
            state.log_request(self.command, path, 500)
            if rule.body == "html":
                self._send(500, "text/html; charset=utf-8", ERROR_500_HTML)
            else:
                self._send_json(500, ApiError(500, "INTERNAL_SERVER_ERROR").body())
        elif fault == "success-false":
            # The module judges success by the status alone; a client must read the body too.
            state.log_request(self.command, path, 200)
            self._send_json(200, {"success": False, "resultCode": 200, "message": rule.message})
        elif fault == "malformed-json":
            state.log_request(self.command, path, 200)
            self._send(200, "application/json; charset=utf-8", MALFORMED_JSON)
        elif fault == "expired-token":
            _scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            with state.lock:
                session = state.sessions_by_access.get(token.strip())
                if session is not None:
                    session.expires_at = time.time() - 1  # the token really is expired from now on
            state.log_request(self.command, path, 401)
            self._send_json(401, ApiError(401, "TOKEN_EXPIRED").body())
        elif fault == "reset":
            state.log_request(self.command, path, 0)
            self._reset_connection()
        else:  # timeout
            state.log_request(self.command, path, 0)
            self._hang()

    # -- faults on the socket ------------------------------------------------------------------
    def _reset_connection(self) -> None:
        sock = self.request
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # Close the descriptor itself (rfile still holds a reference to the socket object):
            # with SO_LINGER 0 and no TLS close_notify, the kernel answers with an RST.
            os.close(socket.socket.detach(sock))
        except OSError:
            pass
        raise _Abort

    def _hang(self) -> None:
        """Never answer; return when the client goes away or the simulator stops."""
        stop = self.server.simulator.stop_event
        sock = self.request
        sock.settimeout(1)
        while not stop.wait(0.2):
            try:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable and not sock.recv(4096):
                    break
            except (OSError, ValueError):
                break
        raise _Abort

    # -- I/O helpers ---------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send_json(400, ApiError(400, "INVALID_CONTENT_LENGTH").body())
            raise _Abort
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline(64).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _Abort
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send_json(self, status: int, body: dict[str, object]) -> None:
        self._send(status, "application/json; charset=utf-8", json.dumps(body).encode("utf-8"))

    def _send(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _parse_body(raw: bytes, content_type: str) -> object:
    """JSON (or a form, as some clients send for login); empty means no body."""
    if not raw.strip():
        return None
    looks_like_json = raw.lstrip()[:1] in (b"{", b"[")
    if "application/x-www-form-urlencoded" in content_type.lower() and not looks_like_json:
        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "INVALID_JSON") from None


class Simulator:
    """In-process simulator: ``url = Simulator(config).start()`` ... ``.stop()``."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = (config or SimulatorConfig()).validated()
        self.state = State(self.config)
        self.stop_event = threading.Event()
        self.cert_files: CertFiles | None = None
        self._server: SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._temp_cert_dir: Path | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("simulator is not running")
        host, port = self._server.server_address[:2]
        host_text = str(host)
        shown = f"[{host_text}]" if ":" in host_text else host_text
        return f"{'https' if self.config.tls else 'http'}://{shown}:{port}"

    @property
    def ca_file(self) -> Path | None:
        return self.cert_files.ca if self.cert_files else None

    def start(self) -> str:
        """Bind and serve in a background thread; returns the base URL. OSError if it cannot bind."""
        context = None
        if self.config.tls:
            cert_dir = self.config.cert_dir
            if cert_dir is None:
                cert_dir = self._temp_cert_dir = Path(tempfile.mkdtemp(prefix="smsim-certs-"))
            self.cert_files = write_cert_files(Path(cert_dir))
            context = server_context(self.cert_files)
        self.stop_event.clear()
        self._server = SimulatorHTTPServer(self, (self.config.host, self.config.port), context)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="smsim-server", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, drop open connections and close the listening socket."""
        self.stop_event.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_all_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._temp_cert_dir is not None:
            shutil.rmtree(self._temp_cert_dir, ignore_errors=True)
            self._temp_cert_dir = None

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
