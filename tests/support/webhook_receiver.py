"""An HTTP server on loopback standing in for a customer's webhook endpoint, which verifies each
request with the Standard Webhooks reference code and can misbehave on purpose."""

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class WebhookReceiver:
    """Counts what it accepted (answered 2xx) by ``webhook-id``; keeps every verified payload.

    - ``secret``: the endpoint's; a request whose signature does not verify is answered 400 and
      counted in ``unverified``;
    - ``answers``: status codes given to the arrivals in turn (then 204), e.g. ``[500, 500]``;
    - ``hold_at``: the arrival (1 for the first) at which it stops before answering until
      ``release`` is set, then hangs up: that request is never accepted, and ``held`` tells the
      test which ``webhook-id`` it was.
    """

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.accepted: Counter[str] = Counter()
        self.payloads: list[dict] = []
        self.unverified = 0
        self.arrivals = 0
        self.answers: list[int] = []
        self.hold_at: int | None = None
        self.held_id: str | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    @property
    def total(self) -> int:
        return sum(self.accepted.values())

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.respond(self, body)

            def log_message(self, *args):
                pass

        return Handler

    def respond(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        with self._lock:
            self.arrivals += 1
            arrival = self.arrivals
            self.paths.append(handler.path)
            status = self.answers[arrival - 1] if arrival <= len(self.answers) else 204
        headers = dict(handler.headers.items())
        if arrival == self.hold_at:
            self.held_id = headers.get("webhook-id")
            self.held.set()
            self.release.wait(timeout=120)
            handler.close_connection = True
            return
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            with self._lock:
                self.unverified += 1
            status = 400
        else:
            if 200 <= status < 300:
                with self._lock:
                    self.accepted[headers["webhook-id"]] += 1
                    self.payloads.append(payload)
        handler.send_response(status)
        if 300 <= status < 400:
            handler.send_header("Location", "/elsewhere")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def start(self) -> "WebhookReceiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def running_receiver(secret: str = "") -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret).start()
    try:
        yield receiver
    finally:
        receiver.stop()
