from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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
