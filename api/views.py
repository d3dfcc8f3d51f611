"""The API access page: a user's keys, a form to make one, and revoking. A new key's full text is
shown once, on the page after it is made (kept in the session until then, never in a URL), and
cannot be shown again: only its hash is stored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import NewKeyForm
from .keys import create_key, revoke_key
from .models import ApiKey

NEW_KEY = "api.new_key"


@login_required
def key_list(request):
    form = NewKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key, text = create_key(user=request.user, name=form.cleaned_data["name"])
        request.session[NEW_KEY] = {"id": key.pk, "text": text}
        return redirect("api:keys")
    context = {
        "form": form,
        "keys": ApiKey.objects.filter(user=request.user, store_wide=False),
        "new_key": request.session.pop(NEW_KEY, None),
        "nav": "api",
    }
    return render(request, "api/keys.html", context)


@login_required
@require_POST
def revoke(request, key_id: int):
    key = get_object_or_404(ApiKey, pk=key_id, user=request.user, store_wide=False)
    revoke_key(key=key)
    messages.success(request, f"The key “{key.name}” is revoked; it no longer works.")
    return redirect("api:keys")
