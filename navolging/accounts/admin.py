from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "is_active",
        "is_programme_office",
        "is_trainer",
        "is_as",
        "is_staff",
    ]
    list_filter = ["is_active", "is_programme_office", "is_trainer", "is_as", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "language"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "is_active",
                    "is_programme_office",
                    "is_trainer",
                    "is_as",
                    "is_staff",
                    "is_superuser",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    filter_horizontal: list[str] = []
    actions = ["end_sessions"]

    def save_model(self, request, obj, form, change):
        old = {}
        if change:
            stored = User.objects.get(pk=obj.pk)
            old = {field: getattr(stored, field) for field in services.ROLE_FIELDS}
        super().save_model(request, obj, form, change)
        services.user_roles_audit(user=obj, old=old, by=request.user, request=request)

    @admin.action(description=_("End all sessions of the selected users"))
    def end_sessions(self, request, queryset):
        for user in queryset:
            services.user_sessions_end(user=user, by=request.user, request=request)
        self.message_user(request, _("Their sessions end at their next request."))
