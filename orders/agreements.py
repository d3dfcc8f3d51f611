"""Purchasing-agent agreements: bulk purchasing needs an active one on file. Store
admins activate and revoke them; revoking stops new bulk purchases and leaves the seats already
bought, and their assignments, exactly as they are."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError

from .models import PurchasingAgentAgreement

Agreement = PurchasingAgentAgreement
ONE_ACTIVE = "one_active_agreement_per_user_and_store"


def _require_agreement_admin(actor: User) -> None:
    if not (
        actor.is_active
        and actor.is_staff
        and actor.has_perm("orders.change_purchasingagentagreement")
    ):
        raise SeatActionError("Only a store admin can activate or revoke agreements.")


def _lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("user", "store")
        .get(pk=agreement.pk)
    )


def activate_agreement(*, agreement: Agreement, actor: User) -> Agreement:
    """Put a pending agreement into force. A revoked one stays revoked (its dates are the record);
    the agent gets a new agreement instead."""
    _require_agreement_admin(actor)
    try:
        with transaction.atomic():
            agreement = _lock(agreement)
            if agreement.status == Agreement.Status.ACTIVE:
                return agreement
            if agreement.status == Agreement.Status.REVOKED:
                raise SeatActionError(
                    f"The agreement of {agreement.user} was revoked on "
                    f"{agreement.revoked_at:%Y-%m-%d}; add a new agreement to restore bulk "
                    "purchasing."
                )
            _refuse_second_active(agreement)
            agreement.status = Agreement.Status.ACTIVE
            agreement.activated_at = timezone.now()
            agreement.save(update_fields=["status", "activated_at"])
    except IntegrityError as error:
        if ONE_ACTIVE not in str(error):
            raise
        raise SeatActionError(
            f"Another agreement of {agreement.user} at {agreement.store} was activated at the "
            "same time; refresh the page."
        ) from error
    return agreement


def _refuse_second_active(agreement: Agreement) -> None:
    active = (
        Agreement.objects.filter(
            user_id=agreement.user_id, store_id=agreement.store_id, status=Agreement.Status.ACTIVE
        )
        .exclude(pk=agreement.pk)
        .first()
    )
    if active is not None:
        since = f" since {active.activated_at:%Y-%m-%d}" if active.activated_at else ""
        raise SeatActionError(
            f"{agreement.user} already has an active {active.get_kind_display().lower()} "
            f"agreement at {agreement.store}{since}; revoke it before activating this one."
        )


def revoke_agreement(*, agreement: Agreement, actor: User) -> Agreement:
    """End an agreement: the agent can no longer buy in bulk; existing seats are untouched."""
    _require_agreement_admin(actor)
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.status == Agreement.Status.REVOKED:
            return agreement
        agreement.status = Agreement.Status.REVOKED
        agreement.revoked_at = timezone.now()
        agreement.save(update_fields=["status", "revoked_at"])
    return agreement
