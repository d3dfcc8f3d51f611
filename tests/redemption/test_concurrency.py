"""Many people redeeming one link at once: PostgreSQL row locks let exactly one win."""

import threading

import pytest
from django.db import connection

from core.errors import SeatActionError
from seats import services
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests.factories import UserFactory

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_link_redeemed_by_many_at_once_gives_one_seat(order, agent):
    store = order.store
    store.require_matching_redeemer_email = False
    store.save()
    redemption = services.email_redemption(
        seat=order.seats.first(), actor=agent, email="shared@example.com"
    )
    token = token_for(redemption.token_nonce)
    users = [UserFactory(email=f"racer{n}@example.com") for n in range(THREADS)]
    start = threading.Barrier(THREADS)
    won, refused, crashed = [], [], []

    def redeem(user):
        try:
            start.wait()
            services.redeem_link(token=token, user=user)
            won.append(user)
        except SeatActionError as error:
            refused.append(error.message)
        except Exception as error:  # anything else is a bug the test must show
            crashed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert crashed == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert set(refused) == {"This link is not valid. It may have been used already."}
    seat = Seat.objects.get(pk=redemption.seat_id)
    assert seat.status == Seat.Status.ASSIGNED and seat.learner == won[0]
    assert Enrollment.objects.filter(seat=seat).count() == 1
    assert Redemption.objects.get(pk=redemption.pk).redeemed_by == won[0]
    assert seat.events.filter(action=SeatEvent.Action.REDEEM).count() == 1
