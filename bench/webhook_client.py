"""The plain poster of figure 8's reference: no Django, so it starts as a fresh process."""

import urllib3


def post(port: int, body: bytes, headers: dict, count: int) -> None:
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1)
    for _ in range(count):
        pool.urlopen("POST", "/hooks", body=body, headers=headers, retries=False).drain_conn()
