from django.urls import path

from . import views

app_name = "buddies"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("voorstel/<int:pk>/accepteren/", views.accept, name="accept"),
    path("voorstel/<int:pk>/afwijzen/", views.decline, name="decline"),
    path("koppel/<int:pk>/beeindigen/", views.end, name="end"),
    path("afmelden/", views.leave, name="leave"),
    path("bureau/", views.office, name="office"),
    path("bureau/ronde/", views.round_run, name="round_run"),
    path("bureau/ritme/", views.rhythm, name="rhythm"),
]
