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
]
