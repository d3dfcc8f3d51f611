"""The plain sender of figure 2's reference: no Django, so it starts as a fresh process."""

import smtplib


def send(port: int, raw: bytes, count: int) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for _ in range(count):
            smtp.sendmail("no-reply@bench.example", ["someone@bench.example"], raw)
