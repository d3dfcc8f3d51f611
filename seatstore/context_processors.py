from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import portal_sections


def site(request):
    """What every page's frame shows. The portal's sections cost a query, run only when a page
    shows the navigation (never in the admin)."""
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "nav_sections": SimpleLazyObject(lambda: portal_sections(request.user)),
    }
