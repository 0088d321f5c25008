from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail cannot be edited or deleted through the app."""

    list_display = ["created_at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_label"]

    def get_queryset(self, request):
        return super().get_queryset(request).listable()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
