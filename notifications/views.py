from django.shortcuts import render

from .models import OutboundEmail


def outbox(request):
    return render(
        request, "notifications/outbox.html", {"emails": OutboundEmail.objects.all()[:50]}
    )
