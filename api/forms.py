from django import forms


class NewKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the key is for, so you know which to revoke later."
    )
