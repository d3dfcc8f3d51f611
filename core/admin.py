"""What every Seatstore admin shares. The admin never changes data itself: each button and action
calls a service, and a refusal (``SeatActionError``) becomes an error message that changed
nothing. Models whose rows only services may change get a read-only change page; their actions
appear above it, each as a small form posting to its own admin view."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router
from django.forms.models import InlineForeignKeyField
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.errors import SeatActionError

BULK_LIMIT = 500  # a bulk action runs one service call per row inside the web request
REFUSED_SESSION_KEY = "admin_refused_action"


def admin_link(obj, text=None) -> str:
    """A link to the object's admin change page (no query: the URL is built from its pk)."""
    if obj is None:
        return "—"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def status_badge(value: str, label: str) -> str:
    return format_html('<span class="status-badge status-{}">{}</span>', value, label)


class NoEditing:
    """No adding, changing or deleting here, whatever the user's permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoEditing, admin.ModelAdmin):
    """Rows written only by services (events, refunds, links, emails): listed, never edited.
    These tables grow with every action, so a filtered list skips the second, unfiltered count."""

    show_full_result_count = False


class ReadOnlyInline(NoEditing, admin.TabularInline):
    """Related rows shown on a page for reading: every listed field and column is read-only, and
    the columns say what each row is (its name above the row is hidden)."""

    extra = 0
    can_delete = False
    classes = ("readonly-inline",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ShowsTakenUniqueValues:
    """Every unique value an admin enters gets a message beside its field (or above the form for
    a rule over several fields), never a server error.

    A save that loses a race for a unique value (two admins adding one slug at once) shows the form
    again: its transaction has rolled back, and validating the same POST anew names the value that
    was taken meanwhile. The form's checks also count the fields shown read-only on a row that
    exists (a group's store): a rule over them and an editable field (its name) is checked too."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return form
        readonly = set(self.get_readonly_fields(request, obj))
        fixed = frozenset(f.name for f in self.model._meta.fields if f.name in readonly)
        return type(form.__name__, (ChecksEveryUniqueValue, form), {"fixed_fields": fixed})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            if request.method != "POST":
                raise
            return super().changeform_view(request, object_id, form_url, extra_context)


class ChecksEveryUniqueValue(forms.ModelForm):
    """A model form that checks every unique rule its row takes part in, with the fields Django
    leaves out of the checks: ``fixed_fields`` (not on the form; the row keeps its saved values)
    and, on an inline row, the parent it belongs to (Django checks a rule over the parent only
    among the rows posted together, not against the rows already saved)."""

    fixed_fields: frozenset[str] = frozenset()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - self.fixed_fields

    def validate_unique(self):
        super().validate_unique()
        parent = {
            name
            for name, field in self.fields.items()
            if isinstance(field, InlineForeignKeyField) and name not in self.errors
        }
        if not parent:
            return
        exclude = self._get_validation_exclusions()
        using = router.db_for_write(type(self.instance), instance=self.instance)
        for model, constraints in self.instance.get_constraints():
            for constraint in constraints:
                if parent & set(getattr(constraint, "fields", ())):
                    try:
                        constraint.validate(model, self.instance, exclude=exclude, using=using)
                    except ValidationError as error:
                        self._update_errors(error)


class ActionForm(forms.Form):
    """The form of one object action. It knows the object it acts on, for choices and defaults."""

    def __init__(self, *args, obj, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class ObjectAction:
    """One thing an admin may do to one object from its page. ``perform(obj, actor, data)`` calls
    the service and returns the success message; ``applies(obj)`` says when to offer it. An
    action from a catalog of its own (the seat actions) overrides the three hooks below."""

    name: str
    label: str
    perform: Callable[[Any, Any, dict], str] | None = None
    form_class: type[ActionForm] = ActionForm
    applies: Callable[[Any], bool] = lambda obj: True

    def offered_to(self, user, obj) -> bool:
        return self.applies(obj)

    def make_form(self, data=None, *, obj, user, prefix: str):
        return self.form_class(data, obj=obj, prefix=prefix)

    def take(self, form, obj, user) -> str:
        """Call the service with a valid form; returns the success message or raises."""
        return self.perform(obj, user, form.cleaned_data)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose changes go through services: object actions on the change page (each a
    POST to ``<id>/do/<name>/``) and bulk actions that report what succeeded and what was refused.

    With ``service_only = True`` nothing on the change page is editable and a POST to the change
    form saves nothing: the rows change only through the actions (seats, orders, returns)."""

    change_form_template = "admin/service_change_form.html"
    object_actions: tuple[ObjectAction, ...] = ()
    service_only = False
    # The services of these rows write their History themselves (``core.audit``), for the
    # portal's changes as for the admin's: the admin adds no second entry.
    history_by_services = False

    # --- object actions ------------------------------------------------------------------------

    def action_target(self, obj):
        """What the object actions act on; ``None`` offers none (e.g. a decided return)."""
        return obj

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/do/<slug:action_name>/",
                self.admin_site.admin_view(self.object_action_view),
                name=f"{opts.app_label}_{opts.model_name}_action",
            ),
            *super().get_urls(),
        ]

    def offered_actions(self, request, obj) -> list[dict]:
        """The actions this user may take on this object now, with unbound forms and URLs."""
        target = self.action_target(obj)
        if target is None or not self.has_change_permission(request, obj):
            return []
        url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_action"
        refused = self._pop_refused(request, obj)
        offered = []
        for action in self.object_actions:
            if not action.offered_to(request.user, target):
                continue
            if refused and refused["action"] == action.name:
                form = _form_as_refused(action, refused, obj=target, user=request.user)
            else:
                form = action.make_form(obj=target, user=request.user, prefix=action.name)
            offered.append(
                {
                    "action": action,
                    "form": form,
                    "url": reverse(url_name, args=[obj.pk, action.name]),
                    "open": form.is_bound,
                }
            )
        return offered

    def _refused_key(self, obj) -> str:
        return f"{self.opts.label_lower}:{obj.pk}"

    def _keep_refused(self, request, obj, action, problem: str) -> None:
        """Remember what was typed into a refused action, for the page the refusal redirects to
        (POST/redirect/GET), so the admin corrects it instead of typing it all again."""
        data = [(k, v) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"]
        request.session[REFUSED_SESSION_KEY] = {
            "object": self._refused_key(obj),
            "action": action.name,
            "data": data,
            "problem": problem,
        }

    def _pop_refused(self, request, obj) -> dict | None:
        refused = request.session.get(REFUSED_SESSION_KEY)
        if not refused or refused.get("object") != self._refused_key(obj):
            return None
        del request.session[REFUSED_SESSION_KEY]
        return refused

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["object_actions"] = self.offered_actions(request, obj)
            context["object_actions_allowed"] = self.has_change_permission(request, obj)
        if self.service_only:
            context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def object_action_view(self, request, object_id, action_name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        action = next((a for a in self.object_actions if a.name == action_name), None)
        target = self.action_target(obj)
        if action is None or target is None:
            raise Http404("No such action.")
        form = action.make_form(request.POST, obj=target, user=request.user, prefix=action.name)
        if not form.is_valid():
            messages.error(request, form_problems(form))
            self._keep_refused(request, obj, action, "")
        else:
            try:
                message = action.take(form, target, request.user)
            except SeatActionError as error:
                messages.error(request, error.message)
                self._keep_refused(request, obj, action, error.message)
            else:
                self.log_change(request, obj, message)
                messages.success(request, message)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )

    def log_change(self, request, obj, message):
        if not self.history_by_services:
            super().log_change(request, obj, message)

    # --- service-only change pages -------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        if self.service_only:
            return flatten_fieldsets(self.fieldsets)
        return super().get_readonly_fields(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.service_only and request.method == "POST":
            messages.warning(
                request, f"A {self.opts.verbose_name} changes only through the actions on its page."
            )
            return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return not self.service_only and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return not self.service_only and super().has_delete_permission(request, obj)

    # --- bulk actions --------------------------------------------------------------------------

    def selected_rows(self, request, queryset) -> list | None:
        """The selected rows, or ``None`` (with a message) when there are too many to act on."""
        rows = list(queryset[: BULK_LIMIT + 1])
        if len(rows) > BULK_LIMIT:
            messages.error(
                request,
                f"Select at most {BULK_LIMIT} {self.opts.verbose_name_plural} at a time; "
                "nothing was changed.",
            )
            return None
        return rows

    def run_each(
        self, request, queryset, perform: Callable[[Any], Any], *, done: str | None = None
    ) -> list:
        """Call ``perform`` (a service) for each selected row, each in its own transaction.
        One message counts the successes (``done`` is the verb), one per distinct refusal names
        the rows it refused. Returns the successful calls' results."""
        rows = self.selected_rows(request, queryset) or []
        results = []
        refused: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            try:
                results.append(perform(row))
            except SeatActionError as error:
                refused[error.message].append(str(row))
            else:
                self.log_change(request, row, done or "Changed by an admin action.")
        if done and results:
            count = len(results)
            messages.success(request, f"{count} {model_ngettext(self.opts, count)} {done}.")
        for message, names in refused.items():
            messages.error(request, f"{describe_rows(names)}: {message}")
        return results

    def ask(self, request, queryset, form: ActionForm, *, title: str, apply_label: str):
        """The intermediate page of a bulk action that needs details (a group, a note): the
        selected rows and the form, posting back to the same action with ``apply``."""
        rows = self.selected_rows(request, queryset)
        if rows is None:
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "rows": rows,
            "form": form,
            "action": request.POST["action"],
            "apply_label": apply_label,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/action_form.html", context)


def submitted(request):
    """The POST data once an intermediate page was submitted, else ``None`` (an unbound form)."""
    return request.POST if "apply" in request.POST else None


def service_action(name: str, perform: Callable[[Any, Any], Any], *, description: str, done: str):
    """A changelist action of a ServiceAdmin that calls ``perform(row, actor)`` (a service) for
    each selected row; it needs the change permission."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        modeladmin.run_each(request, queryset, lambda row: perform(row, request.user), done=done)

    action.__name__ = name
    return action


def describe_rows(names: list[str], shown: int = 10) -> str:
    listed = ", ".join(names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"{len(names)} refused ({listed}{more})"


def _form_as_refused(action: ObjectAction, refused: dict, *, obj, user):
    """The action's form as it was typed, with its problems beside the fields. Hidden fields
    carry what the page shows now (a seat's current version), so the second try is judged on
    the object as it is rather than refused as stale again."""
    data = QueryDict(mutable=True)
    for key, values in refused["data"]:
        data.setlist(key, values)
    blank = action.make_form(obj=obj, user=user, prefix=action.name)
    for name, field in blank.fields.items():
        if field.widget.is_hidden:
            data[blank.add_prefix(name)] = blank.get_initial_for_field(field, name)
    form = action.make_form(data, obj=obj, user=user, prefix=action.name)
    if form.is_valid() and refused["problem"]:
        form.add_error(None, refused["problem"])
    return form


def form_problems(form: forms.Form) -> str:
    problems = [
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]
    return " ".join(["Nothing was changed.", *problems])
