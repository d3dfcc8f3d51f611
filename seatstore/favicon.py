"""/favicon.ico, which browsers ask for on pages naming no icon (the admin's): the site's icon."""

from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    return redirect(static("favicon.svg"), permanent=False)
