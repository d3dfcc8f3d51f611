"""One POST per attempt, signed per the Standard Webhooks specification, to the address
``addresses.resolve`` checked, with a short timeout and no redirects followed."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import urllib3
from django.conf import settings
from standardwebhooks import Webhook

from .addresses import AddressRefused, Target, resolve
from .models import Delivery


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(delivery: Delivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)


def signed_headers(delivery: Delivery, body: str, now: datetime) -> dict[str, str]:
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, body),
        "content-type": "application/json",
        "user-agent": "Seatstore-Webhooks/1",
    }


class Sender:
    """Keeps a connection per checked address for the length of a worker's batch."""

    def __init__(self):
        self._pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
        self._timeout = urllib3.Timeout(
            connect=settings.WEBHOOK_TIMEOUT, read=settings.WEBHOOK_TIMEOUT
        )

    def send(self, delivery: Delivery) -> Answer:
        try:
            target = resolve(delivery.endpoint.url)
        except AddressRefused as error:
            return Answer(None, str(error))
        body = body_of(delivery)
        headers = signed_headers(delivery, body, datetime.now(UTC))
        host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        try:
            response = self._pool(target).urlopen(
                "POST",
                target.path,
                body=body.encode(),
                headers={**headers, "host": host},
                redirect=False,
                retries=False,
                preload_content=False,
            )
            response.drain_conn()
            response.release_conn()
        except (urllib3.exceptions.HTTPError, OSError) as error:
            return Answer(None, f"{type(error).__name__}: {error}"[:500])
        if 200 <= response.status < 300:
            return Answer(response.status)
        return Answer(response.status, f"The endpoint answered {response.status}.")

    def _pool(self, target: Target) -> urllib3.HTTPConnectionPool:
        key = (target.scheme, target.address, target.port, target.host)
        if key not in self._pools:
            if target.scheme == "https":
                pool = urllib3.HTTPSConnectionPool(
                    target.address,
                    target.port,
                    timeout=self._timeout,
                    maxsize=1,
                    server_hostname=target.host,
                    assert_hostname=target.host,
                )
            else:
                pool = urllib3.HTTPConnectionPool(
                    target.address, target.port, timeout=self._timeout, maxsize=1
                )
            self._pools[key] = pool
        return self._pools[key]

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
