"""The unsubscribe page, reached from an alert without signing in: the link shows what it will
switch off and one click confirms it. Mail programs that offer an unsubscribe button post to
the same address without a page (RFC 8058), hence no CSRF token: the signed token is the
authority, and all it can do is switch one kind of email off."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .preferences import read_unsubscribe_token, switch_off


@csrf_exempt
def unsubscribe(request, token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "alerts/unsubscribe_invalid.html", status=400)
    user, kind = found
    context = {"email": user.email, "kind": kind}
    if request.method == "POST":
        switch_off(user_id=user.pk, kind=kind)
        return render(request, "alerts/unsubscribed.html", context)
    return render(request, "alerts/unsubscribe.html", context)
