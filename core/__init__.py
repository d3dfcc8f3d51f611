"""What every app shares and nothing business-specific: the refusal a rule raises, the admin's
service-only base classes, set-based SQL for batches."""
