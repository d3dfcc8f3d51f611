"""The sign-in form: the people of a domain with single sign-on go to their organization's
provider as soon as they give their address; everyone else signs in with a password."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .services import login_for_email


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        password = self.fields["password"]
        password.widget.attrs.pop("placeholder", None)
        password.help_text = ""  # the page links to the reset itself, beside the button
        password.error_messages["required"] = "Enter your password."
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"

    def clean(self):
        """Runs whether or not the password was given: a person of a domain with single sign-on
        leaves it empty and continues at their provider."""
        email = self.cleaned_data.get("login", "")
        organization = login_for_email(email) if email else None
        if organization is not None:
            raise ImmediateHttpResponse(HttpResponseRedirect(self._provider_url(organization)))
        if self.errors:
            return self.cleaned_data
        return super().clean()

    def _provider_url(self, organization) -> str:
        url = reverse("openid_connect_login", kwargs={"provider_id": organization.provider_key})
        query = {"process": "login"}
        if self.request is not None and self.request.POST.get("next"):
            query["next"] = self.request.POST["next"]
        return f"{url}?{urlencode(query)}"
