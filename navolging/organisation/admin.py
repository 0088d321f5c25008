from django.contrib import admin

from .models import BaseProgramme, OrganisationSettings, Person, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "head"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "last_name", "first_name", "prefix", "unit", "active"]
    list_filter = ["active"]
    search_fields = ["employee_number", "last_name", "first_name", "email"]
    raw_id_fields = ["unit", "user"]


@admin.register(BaseProgramme)
class BaseProgrammeAdmin(admin.ModelAdmin):
    list_display = ["unit", "scope", "completed_on"]
    raw_id_fields = ["unit"]


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "as_label_nl", "as_label_en"]
