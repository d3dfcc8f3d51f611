"""Site-wide response headers, and request ids for the logs."""

import contextvars
import uuid

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found

from .logs import RedactSecrets

request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    """Tag each request with an id (the proxy's X-Request-ID when it sends one) that every log
    line of the request carries and the response echoes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RefuseNulMiddleware:
    """A NUL character is in no address of ours, and PostgreSQL refuses it in any text: a path
    holding one is answered "not found" before a view looks it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return page_not_found(request, Http404())
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Only our own scripts, styles, images and forms. Inline styles stay allowed for the Django
    admin's widgets and the HTML emails previewed in the development outbox."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RequestIdFilter(RedactSecrets):
    """Readies each record the console writes: tagged with the request's id, and without the
    secrets of our URLs (``logs.RedactSecrets``)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return super().filter(record)
