"""The development outbox: every email the app wrote, rendered as it would be sent now (by the
renderers the apps register), so a newcomer can click through a redemption without any mail
server. seatstore/urls.py mounts it only in DEMO_MODE, and the views refuse to answer outside it
as well: it shows live links and password-setting links to anyone who can reach it."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import emails
from .models import OutboundEmail

PAGE_SIZE = 25
GONE = "(cannot be rendered: what it was about no longer exists)"


def demo_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEMO_MODE:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@demo_only
def outbox(request):
    outbox = OutboundEmail.objects.order_by("-created_at", "-id")
    page = Paginator(outbox, PAGE_SIZE).get_page(request.GET.get("page"))
    renderer = emails.Renderer(page)
    rows = [(email, _subject(renderer, email)) for email in page]
    return render(request, "notifications/outbox.html", {"page": page, "rows": rows})


@demo_only
def outbox_email(request, email_id: int):
    email = get_object_or_404(OutboundEmail, pk=email_id)
    try:
        subject, text, html = emails.render(email)
    except ObjectDoesNotExist:
        subject, text, html = GONE, "", ""
    # Links in the sandboxed frame open in the window itself: the pages they lead to refuse to
    # be framed.
    html = html.replace("<head>", '<head><base target="_top">', 1)
    context = {"email": email, "subject": subject, "text": text, "html": html}
    return render(request, "notifications/outbox_email.html", context)


def _subject(renderer: emails.Renderer, email: OutboundEmail) -> str:
    try:
        return renderer.content(email).subject
    except ObjectDoesNotExist:
        return GONE
