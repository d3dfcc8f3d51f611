"""Forms check the shape of what an agent typed; the services decide whether it may happen."""

from django import forms
from django.forms.renderers import Jinja2

from imports.csv_files import (
    BACKGROUND_AFTER_ROWS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    CsvRefused,
)
from imports.selection import recipients
from seats.data_rules import MESSAGE_MAX_LENGTH
from seats.models import Seat


class SeatFilterForm(forms.Form):
    # Drawn on every view of the order page: Django's own widget templates in Jinja2 took less
    # than half the time of the default renderer's.
    default_renderer = Jinja2()

    status = forms.ChoiceField(choices=[("", "All statuses"), *Seat.Status.choices], required=False)
    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )

    def filters(self) -> dict:
        """{status, search}; an invalid filter shows every seat rather than an error."""
        if not self.is_valid():
            return {"status": "", "search": ""}
        return {"status": self.cleaned_data["status"], "search": self.cleaned_data["q"]}


class BulkUploadForm(forms.Form):
    """A CSV upload for one course of the order; ``parsed`` holds its rows once valid."""

    line = forms.ModelChoiceField(queryset=None, label="Course", empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV, at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB and "
        f"{MAX_ROWS:,} rows; a file of more than {BACKGROUND_AFTER_ROWS:,} rows is applied in "
        "the background.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, order, parse, **kwargs):
        super().__init__(*args, **kwargs)
        lines = list(order.lines.select_related("product"))
        self.only_line = lines[0] if len(lines) == 1 else None
        if self.only_line:
            del self.fields["line"]
        else:
            self.fields["line"].queryset = order.lines.select_related("product")
            self.fields["line"].label_from_instance = lambda line: line.product.name
        self.parse = parse
        self.parsed = None

    def clean(self):
        data = super().clean()
        data["line"] = self.only_line or data.get("line")
        if data["line"] and data.get("file"):
            try:
                self.parsed = self.parse(data["file"], data["line"])
            except CsvRefused as refused:
                self.add_error("file", refused.message)
        return data


class RecipientsForm(forms.Form):
    """The addresses a list of links goes to, pasted; ``rows`` once valid. Each address is
    checked by the bulk import's rules when the links are sent."""

    addresses = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
        help_text="One per line, or separated by commas. Each gets one of the seats above, in "
        "that order.",
        max_length=MAX_ROWS * 320,
    )
    message = forms.CharField(
        label="Message",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to every recipient in the email, above the link.",
    )

    def clean(self):
        data = super().clean()
        self.rows = recipients(data.get("addresses", ""), message=data.get("message", ""))
        if "addresses" in data and not self.rows:
            self.add_error("addresses", "Paste at least one email address.")
        return data


class AlertPreferencesForm(forms.Form):
    bounce_alerts = forms.BooleanField(
        label="Bounced link alerts",
        required=False,
        help_text="An email as soon as a redemption link you sent or manage bounces, with a "
        "link to correct the address.",
    )
    weekly_digest = forms.BooleanField(
        label="Weekly digest",
        required=False,
        help_text="A Monday email with the links waiting too long or about to expire, the "
        "groups running out of seats and the returns decided that week. Not sent when there "
        "is nothing to report.",
    )
