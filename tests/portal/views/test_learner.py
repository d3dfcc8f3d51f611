from django.urls import reverse

from seats import services
from seats.models import Seat
from tests.factories import make_seat, make_store_admin

TRAINING = reverse("portal:training")


def test_training_lists_held_seats_with_their_links(client, db):
    assigned = make_seat(Seat.Status.ASSIGNED, learner_email="me@example.com")
    pending = make_seat(Seat.Status.RETURN_PENDING, learner_email="me@example.com")
    client.force_login(assigned.learner)

    body = client.get(TRAINING).content.decode()

    for seat in (assigned, pending):
        assert seat.order_line.product.name in body
        assert seat.enrollment.training_url in body
    assert "A return of this seat is pending." in body


def test_unassigned_seat_leaves_my_training(client, db):
    seat = make_seat(Seat.Status.ASSIGNED, learner_email="me@example.com")
    learner, url = seat.learner, seat.enrollment.training_url
    services.unassign_seat(seat=seat, actor=seat.order.buyer)
    client.force_login(learner)

    body = client.get(TRAINING).content.decode()
    assert url not in body
    assert "No training yet" in body


def test_training_shows_only_my_own_courses(client, db, other_agent):
    seat = make_seat(Seat.Status.ASSIGNED)
    client.force_login(other_agent)
    assert seat.enrollment.training_url not in client.get(TRAINING).content.decode()


def test_training_needs_sign_in(client, db):
    assert client.get(TRAINING)["Location"].startswith(reverse("account_login"))


def test_home_sends_each_person_to_their_work(client, db, agent, learner):
    client.force_login(agent)
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:orders")
    client.force_login(learner)
    assert client.get(reverse("portal:home"))["Location"] == TRAINING
    client.force_login(make_store_admin())
    assert client.get(reverse("portal:home"))["Location"] == reverse("admin:index")
    assert client.get("/")["Location"] == reverse("portal:home")


def test_training_page_queries_do_not_grow_with_courses(client, db, django_assert_num_queries):
    for _ in range(3):
        seat = make_seat(Seat.Status.ASSIGNED, learner_email="me@example.com")
    client.force_login(seat.learner)
    # session, user, enrollments with course, store and seat, the navigation's sections
    with django_assert_num_queries(4):
        client.get(TRAINING)
