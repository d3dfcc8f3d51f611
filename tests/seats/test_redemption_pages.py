"""The whole path: an agent emails a link, a stranger opens it, registers, answers, redeems."""

from django.urls import reverse

from notifications.models import OutboundEmail
from seats import services
from seats.emails import SeatEmail
from seats.models import Enrollment, Redemption, Seat, SeatEvent, SupplementalAnswer
from tests.factories import PASSWORD, QuestionFactory
from tests.support.links import link_in, link_path, open_link


def test_emailed_link_is_registered_answered_and_redeemed_into_training(
    client, order, agent, store, django_capture_on_commit_callbacks, mailoutbox
):
    seat = order.seats.first()
    product = seat.order_line.product
    employee_no = QuestionFactory(store=store, prompt="Employee number?")
    department = QuestionFactory(
        store=store, product=product, prompt="Department?", choices="Sales\nSupport"
    )
    QuestionFactory(store=store, prompt="Anything else?", required=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.email_redemption(
            seat=seat,
            actor=agent,
            email="New.Person@Example.com",
            message="<script>alert(1)</script> Welcome!",
        )

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["new.person@example.com"]
    assert product.name in email.subject
    html = email.alternatives[0][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Welcome!" in html
    assert "<script>" not in html
    assert store.support_email in email.body and store.support_email in html
    link = link_in(email.body)
    assert link == link_in(html)

    claim = open_link(client, link)
    assert claim == reverse("redeem_claim", args=[Redemption.objects.get().pk])
    page = client.get(claim)
    assert page.status_code == 200
    body = page.content.decode()
    assert link not in body  # the token stays out of the page's URL and content
    assert product.name in body
    assert agent.email in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Welcome!" in body
    assert "Link expires" in body
    assert 'value="new.person@example.com"' in body  # the registration form, email filled in

    registered = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.com",
            "first_name": "New",
            "last_name": "Person",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": claim,
        },
    )
    assert registered.status_code == 302
    assert registered["Location"] == claim

    questions = client.get(claim).content.decode()
    assert f'<select name="question_{department.pk}"' in questions
    assert "Employee number?" in questions

    with django_capture_on_commit_callbacks(execute=True):
        redeemed = client.post(
            claim,
            {f"question_{employee_no.pk}": "E-1234", f"question_{department.pk}": "Support"},
        )
    assert redeemed.status_code == 302
    assert redeemed["Location"] == reverse("redeem_done", args=[seat.pk])

    seat.refresh_from_db()
    assert seat.status == Seat.Status.ASSIGNED
    assert seat.learner.email == "new.person@example.com"
    enrollment = Enrollment.objects.get(seat=seat)
    assert seat.enrollment == enrollment and enrollment.is_active
    done = client.get(redeemed["Location"])
    assert enrollment.training_url in done.content.decode()

    redemption = Redemption.objects.get(seat=seat)
    assert redemption.state == Redemption.State.REDEEMED
    assert redemption.redeemed_by == seat.learner
    assert list(seat.events.values_list("action", flat=True)) == [
        SeatEvent.Action.EMAIL_REDEMPTION,
        SeatEvent.Action.REDEEM,
    ]
    assert seat.events.last().actor == seat.learner
    assert dict(SupplementalAnswer.objects.values_list("question__prompt", "value")) == {
        "Employee number?": "E-1234",
        "Department?": "Support",
    }
    assert OutboundEmail.objects.filter(
        kind=SeatEmail.ASSIGNMENT_NOTICE, to_email="new.person@example.com"
    ).exists()
    assert mailoutbox[-1].subject == f"You are enrolled in {product.name}"

    assert client.get(link).status_code == 404  # single use
    assert client.get(claim).status_code == 404
    assert enrollment.training_url in client.get(reverse("portal:training")).content.decode()


def test_recipient_with_an_account_signs_in_and_comes_back(client, redemption, recipient):
    claim = open_link(client, link_path(redemption))
    page = client.get(claim).content.decode()
    assert "Sign in to redeem" in page
    assert f"{reverse('account_login')}?next={claim}" in page

    signed_in = client.post(
        reverse("account_login"), {"login": recipient.email, "password": PASSWORD, "next": claim}
    )
    assert signed_in["Location"] == claim
    assert "Redeem your seat" in client.get(claim).content.decode()
    assert client.post(claim).status_code == 302
    assert Seat.objects.get(pk=redemption.seat_id).learner == recipient


def test_missing_required_answer_is_shown_beside_the_question(client, redemption, recipient):
    question = QuestionFactory(store=redemption.seat.order.store, prompt="Badge number?")
    client.force_login(recipient)
    claim = open_link(client, link_path(redemption))

    response = client.post(claim, {f"question_{question.pk}": "  "})

    assert response.status_code == 200
    assert "Answer the required question “Badge number?”." in response.content.decode()
    assert Seat.objects.get(pk=redemption.seat_id).status == Seat.Status.AWAITING


def test_done_page_belongs_to_the_learner_alone(client, redemption, recipient, agent):
    client.force_login(recipient)
    client.post(open_link(client, link_path(redemption)))
    done = reverse("redeem_done", args=[redemption.seat_id])
    assert client.get(done).status_code == 200

    client.force_login(agent)
    assert client.get(done).status_code == 404


def test_continuing_needs_the_link_opened_in_this_browser(client, redemption, recipient):
    claim = reverse("redeem_claim", args=[redemption.pk])
    client.force_login(recipient)

    for response in (client.get(claim), client.post(claim)):
        assert response.status_code == 404
        assert "Open the link from your email again" in response.content.decode()
    assert Seat.objects.get(pk=redemption.seat_id).status == Seat.Status.AWAITING


def test_the_link_survives_signing_in_with_another_session_key(client, redemption, recipient):
    claim = open_link(client, link_path(redemption))
    key = client.session.session_key
    client.post(reverse("account_login"), {"login": recipient.email, "password": PASSWORD})
    assert client.session.session_key != key
    assert client.post(claim).status_code == 302
