"""Benchmark settings: production-like (persistent connections, Redis broker, no debug)."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/seatstore_bench")
# Figure 8's receiver listens on loopback, which production settings refuse.
os.environ.setdefault("WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")

from seatstore.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT_URLCONF = "bench.urls"
