"""Many seats at once from the order page: select → confirmation (what is touched, what is
skipped and why, in the single action's words) → done; big selections in the background."""

import pytest
from django.urls import reverse

from imports import jobs, selection
from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications.models import OutboundEmail
from seats import data_rules, services
from seats.actions import AGENT_ACTIONS
from seats.lms import campus
from seats.models import ImportJob, Redemption, Seat, SeatEvent
from tests import factories

S = Seat.Status
# session, user, the navigation's sections, the order, the agent's groups, the selected seats,
# and the session saved with the versions the page showed (savepoint, update, release)
CONFIRMATION_QUERIES = 9


def select(client, order, action: str, seats=(), **data):
    """Tick ``seats`` (or pass ``every=1`` and a filter) and press the action's button; returns
    the confirmation page's URL."""
    response = client.post(
        reverse("portal:select", args=[order.pk]),
        {"action": action, "seat": [seat.pk for seat in seats], **data},
    )
    assert response.status_code == 302, response.status_code
    return response["Location"]


def test_resend_three_seats(agent_client, agent, order, seats):
    awaiting = [seats["awaiting"]]
    for seat in (seats["available"], seats["spare"]):
        services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com")
        awaiting.append(seat)
    url = select(agent_client, order, "resend", awaiting)
    page = agent_client.get(url)
    assert page.context["plan"].touched.keys() == {seat.pk for seat in awaiting}
    assert "3 seats will get a new link" in page.text
    assert not page.context["skipped"]

    before = OutboundEmail.objects.count()
    done = agent_client.post(url, follow=True)
    assert "3 seats got a new link." in done.text
    assert done.redirect_chain[-1][0] == reverse("portal:order", args=[order.pk])
    resent = SeatEvent.objects.filter(action=SeatEvent.Action.RESEND)
    assert sorted(resent.values_list("seat_id", flat=True)) == sorted(s.pk for s in awaiting)
    assert OutboundEmail.objects.count() - before == 3


def test_skipped_seats_read_as_the_single_action_says(agent_client, agent, order, seats):
    """Each skipped seat's reason is the one its own action page gives."""
    chosen = list(seats.values())
    url = select(agent_client, order, "cancel", chosen)
    page = agent_client.get(url)
    found = page.context["plan"]
    assert list(found.touched) == [seats["awaiting"].pk]
    cancel = AGENT_ACTIONS["cancel-link"]
    for seat in chosen:
        if seat.pk == seats["awaiting"].pk:
            continue
        single = agent_client.get(reverse("portal:seat_action", args=[seat.pk, "cancel-link"]))
        assert seat.pk in found.skipped[single.context["problem"]]
        assert single.context["problem"] in page.text
    assert found.skipped_count == 4
    assert "4 seats will be skipped" in page.text
    assert cancel.problem is not None


def test_unassign_skips_a_learner_who_started(agent_client, order, seats):
    campus().start(seats["assigned"].enrollment)
    second = factories.make_seat(S.ASSIGNED, order=order, learner_email="b@example.com")
    url = select(agent_client, order, "unassign", [seats["assigned"], second])
    page = agent_client.get(url)
    assert list(page.context["plan"].touched) == [second.pk]
    assert "has already started" in page.text
    agent_client.post(url)
    assert Seat.objects.get(pk=second.pk).status == S.AVAILABLE
    assert Seat.objects.get(pk=seats["assigned"].pk).status == S.ASSIGNED


def test_every_seat_matching_the_filter(agent_client, order, seats):
    url = select(agent_client, order, "cancel", every="1", status=S.AWAITING, q="")
    page = agent_client.get(url)
    assert page.context["selected"] == 1
    assert list(page.context["plan"].touched) == [seats["awaiting"].pk]


def test_a_seat_changed_after_the_confirmation_is_skipped_not_acted_on_twice(
    agent_client, agent, order, seats
):
    url = select(agent_client, order, "resend", [seats["awaiting"]])
    agent_client.get(url)
    services.resend_redemption(seat=seats["awaiting"], actor=agent)  # a colleague, meanwhile
    done = agent_client.post(url, follow=True)
    assert "1 seat skipped" in done.text
    assert "changed since you opened the page" in done.text
    assert SeatEvent.objects.filter(action=SeatEvent.Action.RESEND).count() == 1


def test_email_links_to_a_pasted_list(agent_client, order, seats):
    chosen = [seats["available"], seats["spare"], seats["assigned"]]
    url = select(agent_client, order, "email", chosen)
    page = agent_client.get(url)
    assert "2 seats can be emailed a link" in page.text
    assert "1 seat will be skipped" in page.text

    done = agent_client.post(url, {"addresses": "ann@example.com,\nbob@example.com"}, follow=True)
    assert "Redemption links for 2 seats are on their way." in done.text
    links = Redemption.objects.filter(state=Redemption.State.PENDING).order_by("seat_id")
    assert [
        (link.seat_id, link.recipient_email)
        for link in links
        if link.seat_id != seats["awaiting"].pk
    ] == [(seats["available"].pk, "ann@example.com"), (seats["spare"].pk, "bob@example.com")]


def test_email_list_problems_are_the_imports_and_change_nothing(agent_client, order, seats):
    url = select(agent_client, order, "email", [seats["available"]])
    agent_client.get(url)
    page = agent_client.post(url, {"addresses": "not-an-address\nann@example.com"})
    assert page.status_code == 200
    errors = {(error.row, error.message) for error in page.context["errors"]}
    assert (1, data_rules.email_problem("not-an-address")) in errors
    assert (
        None,
        "The list has 2 addresses but only 1 of the selected seats can be emailed a link, so "
        "address 2 would get no seat. Select more available seats, or shorten the list.",
    ) in errors
    assert "Address 1" in page.text
    assert Seat.objects.get(pk=seats["available"].pk).status == S.AVAILABLE


def test_a_selection_is_the_agents_own(client, order, seats, other_agent):
    client.force_login(other_agent)
    response = client.post(
        reverse("portal:select", args=[order.pk]), {"action": "cancel", "seat": [1]}
    )
    assert response.status_code == 404


def test_seats_of_another_order_cannot_be_slipped_in(agent_client, order, seats):
    stranger = factories.make_seat(S.AWAITING)
    url = select(agent_client, order, "cancel", [seats["awaiting"], stranger])
    assert agent_client.get(url).context["selected"] == 1
    only_theirs = agent_client.post(
        reverse("portal:select", args=[order.pk]), {"action": "cancel", "seat": [stranger.pk]}
    )
    assert only_theirs["Location"] == reverse("portal:order", args=[order.pk])
    assert Seat.objects.get(pk=stranger.pk).status == S.AWAITING


@pytest.mark.parametrize("value", ["abc", "²", "-1", "1e3", "9" * 40, "", " 1"])
def test_a_ticked_value_that_is_no_seat_selects_nothing(agent_client, order, value):
    response = agent_client.post(
        reverse("portal:select", args=[order.pk]), {"action": "cancel", "seat": [value]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:order", args=[order.pk])


def test_too_big_a_selection_asks_to_narrow_it(agent_client, order, seats, monkeypatch):
    monkeypatch.setattr("portal.views.selection.MAX_SELECTED", 3)
    response = agent_client.post(
        reverse("portal:select", args=[order.pk]), {"action": "cancel", "every": "1"}, follow=True
    )
    assert "More than 3 seats match the filter" in response.text


def test_an_unknown_action_or_token_changes_nothing(agent_client, order, seats):
    response = agent_client.post(reverse("portal:select", args=[order.pk]), {"action": "drop"})
    assert response.status_code == 404
    gone = agent_client.get(reverse("portal:selection", args=[order.pk, "nope"]), follow=True)
    assert "no longer available" in gone.text


@pytest.mark.parametrize("size", [10, 1000])
def test_confirmation_queries_do_not_grow_with_the_selection(
    agent_client, agent, group, size, django_assert_num_queries
):
    order = factories.make_order(seats=size, buyer=agent, group=group)
    url = select(agent_client, order, "resend", every="1")
    with django_assert_num_queries(CONFIRMATION_QUERIES):
        page = agent_client.get(url)
    assert page.context["plan"].skipped_count == size


def test_a_big_selection_runs_in_the_background_with_progress(
    agent_client, agent, group, monkeypatch, django_capture_on_commit_callbacks
):
    size = selection.BACKGROUND_AFTER_SEATS + 5
    order = factories.make_order(seats=size, buyer=agent, group=group)
    rows = [RecipientRow(row=n, email=f"r{n}@example.com") for n in range(1, size + 1)]
    bulk_email_redemptions(order=order, actor=agent, rows=rows)
    url = select(agent_client, order, "cancel", every="1")
    assert agent_client.get(url).context["in_background"]

    seen = []
    report = jobs.report
    monkeypatch.setattr(jobs, "report", lambda job_id, n: (seen.append(n), report(job_id, n)))
    with django_capture_on_commit_callbacks(execute=True):  # the task, run eagerly on commit
        done = agent_client.post(url, follow=True)
    assert "runs in the background" in done.text

    job = ImportJob.objects.get(kind=ImportJob.Kind.CANCEL)
    assert (job.total_rows, job.status) == (size, ImportJob.Status.DONE), job.result
    assert job.result.startswith(f"The links of {size} seats were cancelled")
    assert seen[0] == 0 and seen[-1] == size and seen == sorted(seen) and len(seen) > 2
    assert not order.seats.exclude(status=S.AVAILABLE).exists()
    assert SeatEvent.objects.filter(action=SeatEvent.Action.CANCEL_REDEMPTION).count() == size
    page = agent_client.get(reverse("portal:order", args=[order.pk]))
    assert f"Cancel links of {size} seats finished" in page.text


def test_the_order_page_shows_a_running_selection_jobs_progress(agent_client, agent, order, seats):
    rows = [selection.SelectedSeat(seat=seats["awaiting"].pk, version=seats["awaiting"].version)]
    job = jobs.start_import(
        order=order, actor=agent, kind=ImportJob.Kind.CANCEL, rows=rows, enqueue=False
    )
    url = reverse("portal:order", args=[order.pk])
    assert "Cancel links of 1 seat: waiting to start" in agent_client.get(url).text
    jobs.report(job.pk, 1)
    assert "Cancel links of 1 seat: 1 done" in agent_client.get(url).text


@pytest.mark.parametrize(
    ("action", "status", "said"),
    [
        ("cancel", "awaiting", "1 seat will have its link cancelled and be available again."),
        ("unassign", "assigned", "1 seat will be unassigned and available again, and its learner "),
    ],
)
def test_one_seat_is_spoken_of_in_the_singular(agent_client, order, seats, action, status, said):
    page = agent_client.get(select(agent_client, order, action, [seats[status]]))
    assert said in page.text
