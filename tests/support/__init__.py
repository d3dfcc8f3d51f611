"""What the tests share besides fixtures and factories, as Zulip keeps it in
``zerver/lib/test_helpers.py``: threads racing on PostgreSQL, real processes and the servers they
talk to, a person's web client, and the small helpers of the admin's and the redemption links'
pages. Conftest files hold the fixtures, which call these modules."""
