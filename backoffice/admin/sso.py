"""Single sign-on per organization: an admin names a purchasing group's email domain and its
OpenID Connect provider (issuer, client id, secret); the provider is stored as allauth's
``SocialApp`` through ``sso.services``. allauth's own social-account pages are hidden: one place
to configure an organization's sign-in."""

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin

from sso.models import OrganizationLogin
from sso.services import (
    configure_organization_login,
    normalize_domain,
    remove_organization_login,
)


class OrganizationLoginForm(forms.ModelForm):
    issuer = forms.URLField(
        label="Issuer",
        help_text="The provider's issuer URL, e.g. https://login.northwind.example/realms/staff "
        "(its discovery document is at <issuer>/.well-known/openid-configuration).",
        assume_scheme="https",
    )
    client_id = forms.CharField(label="Client id", max_length=191)
    secret = forms.CharField(
        label="Client secret",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored secret.",
    )

    class Meta:
        model = OrganizationLogin
        fields = ("group", "domain", "agents_claim", "agents_claim_value")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            provider = self.instance.provider
            self.fields["issuer"].initial = provider.settings.get("server_url", "")
            self.fields["client_id"].initial = provider.client_id
        else:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = ""

    def clean_domain(self) -> str:
        domain = normalize_domain(self.cleaned_data["domain"])
        if "." not in domain or "@" in domain:
            raise forms.ValidationError("Give the domain of the addresses, e.g. northwind.example.")
        return domain

    def save(self, commit=True):
        self.instance = configure_organization_login(
            group=self.cleaned_data["group"],
            domain=self.cleaned_data["domain"],
            issuer=self.cleaned_data["issuer"],
            client_id=self.cleaned_data["client_id"],
            secret=self.cleaned_data["secret"],
            agents_claim=self.cleaned_data["agents_claim"],
            agents_claim_value=self.cleaned_data["agents_claim_value"],
            login=self.instance if self.instance.pk else None,
        )
        return self.instance

    def save_m2m(self):
        """No many-to-many fields; the admin calls this after ``save(commit=False)``."""


@admin.register(OrganizationLogin)
class OrganizationLoginAdmin(admin.ModelAdmin):
    form = OrganizationLoginForm
    list_display = ("domain", "group", "issuer", "agents_claim")
    list_select_related = ("group", "provider")
    search_fields = ("domain", "group__name")
    autocomplete_fields = ("group",)
    fieldsets = (
        (None, {"fields": ("group", "domain")}),
        ("Provider", {"fields": ("issuer", "client_id", "secret")}),
        (
            "Agents from the provider's groups",
            {"fields": ("agents_claim", "agents_claim_value")},
        ),
    )

    @admin.display(description="Issuer")
    def issuer(self, login: OrganizationLogin) -> str:
        return login.provider.settings.get("server_url", "")

    def save_form(self, request, form, change):
        """The service saves the provider and the mapping together, once."""
        return form.save()

    def save_model(self, request, obj, form, change):
        """Saved by ``save_form`` already."""

    def delete_model(self, request, obj):
        remove_organization_login(login=obj)

    def delete_queryset(self, request, queryset):
        for login in queryset:
            remove_organization_login(login=login)


for model in (SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
