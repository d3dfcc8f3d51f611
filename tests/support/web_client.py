"""A person's browser for tests that talk to real web processes over HTTP: cookies kept, redirects
returned rather than followed, and the form token of a page at hand."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError the browser turns into a response


class Browser:
    """One person's cookies, shared by whichever process serves each request."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of a GET, or of a POST when ``data`` is given."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self._opener.open(url, data=body, timeout=10) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as response:
            return response.code, response.headers.get("Location", ""), response.read().decode()

    def form_token(self, url: str) -> str:
        status, _, page = self.request(url)
        assert status == 200, (url, status)
        return CSRF_FIELD.search(page).group(1)

    def post_form(self, url: str, fields: dict, *, token_from: str = "") -> tuple[int, str, str]:
        """Post ``fields`` with the form token of the page at ``token_from`` (``url`` itself by
        default), as submitting that page's form does."""
        token = self.form_token(token_from or url)
        return self.request(url, {"csrfmiddlewaretoken": token, **fields})

    def sign_in(self, base: str, email: str, password: str) -> tuple[int, str, str]:
        return self.post_form(f"{base}/account/login/", {"login": email, "password": password})
