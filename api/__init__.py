"""The public JSON API (``/api/v1/``): a third caller of the seat catalog and the services."""
