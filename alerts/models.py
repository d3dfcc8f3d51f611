"""What the agents are told about their seats besides the seat emails themselves: the alerts
they chose to get, and the record of each alert sent, which is what makes sending it again a
no-op (a provider that posts a bounce twice, a digest task that runs twice in a week)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertKind(models.TextChoices):
    """Each kind an agent can switch off; the value is its field on ``AlertPreference``."""

    BOUNCE_ALERTS = "bounce_alerts", "Bounced link alerts"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"


class AlertEmail(models.TextChoices):
    """The outbox kinds of the alerts (``emails``)."""

    BOUNCE_ALERT = "bounce_alert", "Bounced link alert"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"


class AlertPreference(models.Model):
    """An agent's choices; no row means every kind is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="alert_preference",
    )
    bounce_alerts = models.BooleanField(
        default=True, help_text="An email when a redemption link the agent manages bounces."
    )
    weekly_digest = models.BooleanField(
        default=True, help_text="A Monday email with the links, groups and returns to look at."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Alerts of {self.user}"


class BounceAlert(models.Model):
    """A bounced link whose agents were alerted: one row per link, so one alert per bounce."""

    redemption = models.OneToOneField(
        "seats.Redemption", on_delete=models.PROTECT, related_name="bounce_alert"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Bounce alert for link {self.redemption_id}"


class WeeklyDigest(models.Model):
    """One agent's digest of one week, with the figures it reports as they were counted: the
    email renders from them, and the row's uniqueness makes the week's task run once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_digests"
    )
    week = models.DateField(help_text="The Monday of the week it reports on.")
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_digest_per_agent_week"),
        ]
        indexes = [models.Index(fields=["week"], name="digest_week_idx")]

    def __str__(self) -> str:
        return f"Digest of {self.user} for the week of {self.week}"
