from django.contrib import admin

from .models import FacilitatorProfile, IntervisionSettings

# Settings only: groups and attendance (personal data) are handled in the app's own pages,
# where access is checked; they are deliberately not in the technical administration.


@admin.register(IntervisionSettings)
class IntervisionSettingsAdmin(admin.ModelAdmin):
    list_display = ["attendance_threshold", "tell_manager"]


@admin.register(FacilitatorProfile)
class FacilitatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_groups", "sessions_per_day"]
    raw_id_fields = ["user"]
