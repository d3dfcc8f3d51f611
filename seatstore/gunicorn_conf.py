"""gunicorn's settings for the web container: ``gunicorn -c python:seatstore.gunicorn_conf
seatstore.wsgi``. Workers are sized to the cores (``WEB_CONCURRENCY``; two sync workers beat four
on 2 cores); the access log goes to stdout without the secrets of our URLs."""

import os

from gunicorn.glogging import Logger

from seatstore.logs import RedactSecrets, redact


class RedactingLogger(Logger):
    """gunicorn's logger with the tokens of our links taken out: from every field an access line
    can show (request line, path, query string, Referer and any other header or variable a
    format names), and from the error log, which names a request's URI when handling it fails."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactSecrets) for f in self.error_log.filters):
            self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(v) if isinstance(v, str) else v for key, v in atoms.items()}


bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
logger_class = RedactingLogger
