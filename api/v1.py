"""Version 1 of the API: its routers, its key authentication, its problem answers, and its
OpenAPI schema and interactive docs, served from our own static files (``ninja`` is an installed
app, so its Swagger UI page loads the copy it ships, never a CDN)."""

from ninja import NinjaAPI

from . import problems
from .auth import ApiKeyAuth
from .endpoints import actions, feeds, groups, imports, orders, seats

DESCRIPTION = """Orders, seats, every seat action, redemptions, groups, the audit events and bulk
imports of Seatstore, for the purchasing agent's own systems. Authenticate with an API key from
**API access** in your account: `Authorization: Bearer ssk_…`. Errors are RFC 9457 problem
details. Every POST accepts an `Idempotency-Key`. See docs/api.md."""


class SeatstoreApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as ``application/problem+json``, which is what they are."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        return schema


api = SeatstoreApi(
    title="Seatstore API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=ApiKeyAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)
problems.install(api)
for module in (orders, seats, actions, feeds, groups, imports):
    api.add_router("", module.router)
