from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    # Sessions: participants, whoever leads it, the unit's managers and the office.
    path("", views.session_list, name="session_list"),
    path("sessie/nieuw/", views.session_plan, name="session_plan"),
    path("sessie/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessie/<int:pk>/verslag/", views.session_record, name="session_record"),
    path("sessie/<int:pk>/verplaatsen/", views.session_move, name="session_move"),
    path("sessie/<int:pk>/afzeggen/", views.session_cancel, name="session_cancel"),
    # The best-practice library: everyone.
    path("best-practices/", views.practice_list, name="practice_list"),
    path("best-practices/export.csv", views.practice_export, name="practice_export"),
    path("best-practices/nieuw/", views.practice_create, name="practice_create"),
    path("best-practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("best-practices/<int:pk>/wijzigen/", views.practice_edit, name="practice_edit"),
    path("best-practices/<int:pk>/verwijderen/", views.practice_delete, name="practice_delete"),
    # The programme office: goals, themes, figures.
    path("doelen/", views.goal_list, name="goal_list"),
    path("doelen/nieuw/", views.goal_add, name="goal_add"),
    path("doelen/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("doelen/<int:pk>/verplaatsen/", views.goal_move, name="goal_move"),
    path("doelen/<int:pk>/in-gebruik/", views.goal_active, name="goal_active"),
    path("doelen/<int:pk>/verwijderen/", views.goal_delete, name="goal_delete"),
    path("themas/nieuw/", views.theme_add, name="theme_add"),
    path("cijfers/", views.figures, name="figures"),
]
