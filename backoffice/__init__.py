"""The store admin's side: the Django admin for every model, each change through a service. Like
the portal it sits on top and calls down; the apps below know nothing of it."""
