from django.urls import path

from . import views

app_name = "intervision"
urlpatterns = [
    path("", views.my_group, name="my_group"),
    path("begeleiden/", views.facilitator_groups, name="facilitator_groups"),
    path(
        "begeleiden/sessie/<int:pk>/aanwezigheid/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("aanwezigheid/", views.attendance_overview, name="attendance_overview"),
    path("rondes/", views.round_list, name="round_list"),
    path("rondes/nieuw/", views.round_create, name="round_create"),
    path("rondes/<int:pk>/", views.round_detail, name="round_detail"),
    path("rondes/<int:pk>/verplaatsen/", views.round_move, name="round_move"),
    path("rondes/<int:pk>/publiceren/", views.round_publish, name="round_publish"),
    path("rondes/<int:pk>/planning/", views.round_schedule, name="round_schedule"),
    path("rondes/<int:pk>/bijeenkomsten/", views.round_sessions, name="round_sessions"),
    path("bijeenkomsten/<int:pk>/verplaatsen/", views.session_move, name="session_move"),
    path("instellingen/", views.intervision_settings, name="settings"),
    path("instellingen/gesloten/", views.closed_period_add, name="closed_period_add"),
    path(
        "instellingen/gesloten/<int:pk>/verwijderen/",
        views.closed_period_delete,
        name="closed_period_delete",
    ),
    path("begeleiders/", views.facilitator_list, name="facilitator_list"),
    path("begeleiders/<int:pk>/", views.facilitator_edit, name="facilitator_edit"),
]
