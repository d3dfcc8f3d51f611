from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from seats.capacity import COLUMNS

from .. import queries


@login_required
def group_list(request):
    """The groups the agent manages, with each one's seat figures per course."""
    groups = queries.group_capacity(request.user)
    context = {"groups": groups, "columns": COLUMNS, "nav": "groups"}
    return render(request, "portal/groups.html", context)
