"""Database sessions that must end soon after their process does.

A worker that holds a lock for as long as it works (a row lock, an advisory lock) is seen to be
alive by that lock alone. If its machine vanishes without closing the connection, PostgreSQL
keeps the session, and so the lock, until TCP gives up: two hours by default. Asking for
keepalives makes it notice within half a minute, so whatever the worker held is free again. A
session busy with a statement (or waiting for another's lock) when its process dies also checks
every few seconds that its process is still there, rather than finishing the statement first.
"""

from django.db import connection

_NOTICE_VANISHED_PEER = (
    "SELECT set_config('tcp_keepalives_idle', '10', false), "
    "set_config('tcp_keepalives_interval', '5', false), "
    "set_config('tcp_keepalives_count', '3', false), "
    "set_config('tcp_user_timeout', '30000', false), "
    "set_config('client_connection_check_interval', '5000', false)"
)


def end_with_its_process() -> None:
    """Have PostgreSQL end this connection's session within about 30 seconds of its process
    going silent. Other databases (the embedded SQLite default) live in the process itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_NOTICE_VANISHED_PEER)
