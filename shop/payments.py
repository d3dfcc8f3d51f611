"""How an order gets paid, behind one small interface.

Checkout places every order awaiting payment and then asks its payment method for the buyer's
next step. Whoever learns that the money arrived (a store admin for an invoice, a gateway's
confirmation for a card) calls ``shop.services.record_payment``; orders and seats never know
which method was used. A card gateway is one more class here and one more entry in ``METHODS``.
"""

from typing import Protocol

from orders.models import Order


class PaymentMethod(Protocol):
    code: str
    """Stored on ``Order.payment_method``."""
    label: str

    def start(self, order: Order) -> str | None:
        """Begin paying a just-placed order: the URL to send the buyer to (a gateway's payment
        page), or None when payment happens outside the shop and the confirmation page is next."""


class InvoicePayment:
    """B2B: the store invoices the buyer; a store admin marks the order paid when it is settled."""

    code = "invoice"
    label = "Invoice"

    def start(self, order: Order) -> None:
        return None


INVOICE = InvoicePayment()
METHODS: dict[str, PaymentMethod] = {INVOICE.code: INVOICE}


def method_of(order: Order) -> PaymentMethod:
    return METHODS[order.payment_method]
