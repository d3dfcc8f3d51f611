"""Calling the JSON API from tests as a client system would: a key in the Authorization header,
JSON bodies, and the problem details answered."""

import json

from django.test import Client

from api.keys import create_key

BASE = "/api/v1"


class ApiClient:
    """The Django test client with an API key; ``headers`` adds e.g. an Idempotency-Key."""

    def __init__(self, key_text: str | None):
        self.client = Client()
        self.key = key_text

    def _headers(self, headers: dict | None) -> dict:
        auth = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return auth | (headers or {})

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(BASE + path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: dict | None = None, headers: dict | None = None):
        return self.client.post(
            BASE + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self._headers(headers),
        )


def api_client_for(user, *, store_wide: bool = False) -> ApiClient:
    _, text = create_key(user=user, name="Test", store_wide=store_wide)
    return ApiClient(text)
