"""The admin's URLs and messages, for the tests of every app's admin."""

from django.urls import reverse


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def action_url(obj, name: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_action", args=[obj.pk, name])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
