"""Store-wide keys are made here, for store admins: they read every store's data and change
nothing. The admin of the key model lives in this app because ``backoffice`` sits beside ``api``
in the layers and may not import it. The key's text is shown once, in the message after saving."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from .keys import create_key, revoke_key
from .models import ApiKey


class StoreWideKeyForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text="A store admin; the key reads what they may read, store-wide.",
    )

    class Meta:
        model = ApiKey
        fields = ["user", "name"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "store_wide",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["store_wide", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email"]
    list_select_related = ["user"]
    actions = ["revoke"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "store_wide",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StoreWideKeyForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, text = create_key(user=obj.user, name=obj.name, store_wide=True)
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        messages.warning(request, f"Copy the key now, it is shown only this once: {text}")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            revoke_key(key=key)
        messages.success(request, "The selected keys are revoked.")
