"""The agent's choice of alert emails (``alerts``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from alerts.preferences import preferences_of, set_preferences

from ..forms import AlertPreferencesForm


@login_required
def alert_preferences(request):
    current = preferences_of(request.user)
    initial = {"bounce_alerts": current.bounce_alerts, "weekly_digest": current.weekly_digest}
    form = AlertPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, "Your email alerts are saved.")
        return redirect("portal:alerts")
    return render(request, "portal/alert_preferences.html", {"form": form, "nav": "alerts"})
