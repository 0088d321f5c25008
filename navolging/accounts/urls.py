from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login, name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("taal/", views.language_switch, name="language"),
    path("wachtwoord/", views.password_reset, name="password_reset"),
    path("wachtwoord/verstuurd/", views.password_reset_done, name="password_reset_done"),
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("wachtwoord/klaar/", views.password_reset_complete, name="password_reset_complete"),
    path("trainers/", views.trainer_list, name="trainer_list"),
    path("trainers/nieuw/", views.trainer_create, name="trainer_create"),
]
