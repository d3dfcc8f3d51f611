"""Pages for a signed-in person are about them or the learners they manage."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Tell every cache (a proxy, a CDN, the browser's disk) not to keep a page shown to a
    signed-in person: the order page and the seat export carry learners' names and addresses.
    A response that set its own caching keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
