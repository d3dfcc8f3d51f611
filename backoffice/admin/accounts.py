"""People in the admin. The email address is the username, so Django's UserAdmin is adapted: no
username field anywhere. A user's page lists the purchasing groups they manage as an agent and
their agreements: admins can see every group a customer manages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User
from core.admin import ReadOnlyInline, ShowsTakenUniqueValues, admin_link
from groups.models import GroupMembership
from orders.models import PurchasingAgentAgreement


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ManagedGroupInline(ReadOnlyInline):
    """Groups are managed on the group's page; here they are listed."""

    model = GroupMembership
    fields = ("group_link", "store", "role")
    verbose_name = "purchasing group managed as an agent"
    verbose_name_plural = "Purchasing groups managed as an agent"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group__store")

    @admin.display(description="Group")
    def group_link(self, membership):
        return admin_link(membership.group)

    @admin.display(description="Store")
    def store(self, membership):
        return membership.group.store


class AgreementInline(ReadOnlyInline):
    model = PurchasingAgentAgreement
    fields = ("store", "kind", "status", "created_at", "activated_at", "revoked_at")
    show_change_link = True
    classes = ()  # the row's name carries the link to the agreement's page

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store")


@admin.register(User)
class UserAdmin(ShowsTakenUniqueValues, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    inlines = (ManagedGroupInline, AgreementInline)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        """A user being added manages no groups yet (and the add form has no formsets)."""
        return self.inlines if obj else ()
