"""The demo agent's API key, known in advance so that the README's ``curl`` works against
``make run``. Demo data only: it is made by ``seed_demo``, never in production."""

from django.dispatch import receiver

from accounts.models import User
from core.signals import demo_seeded

from .keys import SCHEME, hash_secret
from .models import ApiKey

DEMO_AGENT = "agent@northwind.example"
DEMO_PREFIX = "demo"
DEMO_SECRET = "northwind-demo-key-not-for-production"
DEMO_KEY = f"{SCHEME}_{DEMO_PREFIX}_{DEMO_SECRET}"


@receiver(demo_seeded)
def demo_api_key(sender, **kwargs) -> list[str]:
    agent = User.objects.filter(email=DEMO_AGENT).first()
    if agent is None:
        return []
    ApiKey.objects.get_or_create(
        prefix=DEMO_PREFIX,
        defaults={
            "user": agent,
            "name": "Demo key",
            "secret_hash": hash_secret(DEMO_SECRET),
        },
    )
    return [f"API key of {DEMO_AGENT}: {DEMO_KEY} (docs at /api/v1/docs)"]
