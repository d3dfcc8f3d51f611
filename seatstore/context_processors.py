from django.conf import settings
from django.utils.functional import SimpleLazyObject

from portal.sections import portal_sections


def site(request):
    """What every page's frame shows. The footer gives ``SUPPORT_EMAIL`` unless the page is about
    one store's order, seat, product or redemption: such a view puts that ``store`` in its
    context, and the footer gives the store's own address. The portal's sections cost a query,
    run only when a page shows the navigation (never in the admin)."""
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "nav_sections": SimpleLazyObject(lambda: portal_sections(request)),
    }
