from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    # The manager's requests; one request for its parties, its trainer and the office.
    path("", views.request_list, name="request_list"),
    path("nieuw/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/wijzigen/", views.request_edit, name="request_edit"),
    path("<int:pk>/indienen/", views.request_submit, name="request_submit"),
    path("<int:pk>/voorstel/", views.request_propose, name="request_propose"),
    path("<int:pk>/mening/", views.request_view, name="request_view"),
    path("<int:pk>/terugsturen/", views.request_send_back, name="request_send_back"),
    path("<int:pk>/plannen/", views.request_plan, name="request_plan"),
    path("<int:pk>/gegeven/", views.request_delivered, name="request_delivered"),
    path("<int:pk>/evaluatie/", views.request_evaluate, name="request_evaluate"),
    # The AS's waiting list, the trainer's list, the office's overview and figures.
    path("as/", views.as_waiting, name="as_waiting"),
    path("trainer/", views.trainer_list, name="trainer_list"),
    path("bureau/", views.office, name="office"),
]
