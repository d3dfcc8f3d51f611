from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import queries


@login_required
def group_list(request):
    """The groups the agent manages, with each one's seat capacity per course."""
    groups = queries.group_capacity(request.user)
    return render(request, "portal/groups.html", {"groups": groups, "nav": "groups"})
