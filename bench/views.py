"""Figure 3's reference: three indexed queries and a 25-row table, nothing else."""

from django.http import HttpResponse
from django.template import Context, Engine

from orders.models import Order
from seats.models import Seat

TEMPLATE = Engine().from_string(
    "<!doctype html><title>{{ order.number }}</title><h1>{{ order.number }}</h1>"
    "<p>{{ total }} seats</p><table>{% for seat in seats %}<tr><td>{{ seat.pk }}</td>"
    "<td>{{ seat.status }}</td><td>{{ seat.version }}</td><td>{{ seat.updated_at }}</td></tr>"
    "{% endfor %}</table>"
)


def minimal(request, order_id: int):
    order = Order.objects.get(pk=order_id)
    total = Seat.objects.filter(order_id=order_id).count()
    seats = list(Seat.objects.filter(order_id=order_id).order_by("pk")[:25])
    html = TEMPLATE.render(Context({"order": order, "total": total, "seats": seats}))
    return HttpResponse(html)
