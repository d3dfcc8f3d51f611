"""Signals an app sends for the apps above it to join in, without importing them."""

from django.dispatch import Signal

# Sent by ``seed_demo`` once the demo data exists, every run. A receiver adds its app's demo data
# (idempotently) and returns the lines to print with the logins, or None.
demo_seeded = Signal()
