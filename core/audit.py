"""The history of records other than seats (join links, a group's request settings), kept where a
store admin reads it: the record's History page in the admin (Django's ``LogEntry``). The service
that makes a change writes it, in the change's transaction, whether an agent made the change in
the portal or an admin in the admin. Seats keep their own trail, ``SeatEvent``."""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import models


def record_change(*, actor, record: models.Model, message: str, added: bool = False) -> None:
    """``message`` is what the History page shows beside the actor and the time."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[record],
        action_flag=ADDITION if added else CHANGE,
        change_message=message,
        single_object=True,
    )
