"""Purchasing groups: the organization units that own seats, and the agents who manage them."""

from django.conf import settings
from django.db import models


class PurchasingGroup(models.Model):
    store = models.ForeignKey("orders.Store", on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMembership", related_name="purchasing_groups"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="group_name_unique_per_store"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", "Purchasing agent"

    group = models.ForeignKey(PurchasingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
        ]
        indexes = [models.Index(fields=["user", "group"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.group}"
