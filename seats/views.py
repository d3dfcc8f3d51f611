from django.shortcuts import render

from . import services


def redeem(request, token: str):
    try:
        redemption = services.check_link(token)
    except services.LinkError as error:
        return render(request, "seats/link_problem.html", {"error": error}, status=410)
    return render(request, "seats/redeem.html", {"redemption": redemption})
