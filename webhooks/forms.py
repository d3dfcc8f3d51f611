"""The endpoint form of the portal and the admin: its URL is checked where it resolves."""

from django import forms

from .addresses import AddressRefused
from .models import Endpoint, EventType
from .services import check_url


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where we POST each event, signed per the Standard Webhooks specification.",
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint receives.",
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except AddressRefused as error:
            raise forms.ValidationError(str(error)) from error
        return url
