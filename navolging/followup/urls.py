from django.urls import path  # noqa: F401  (the followup helper fills this in)

app_name = "followup"
urlpatterns: list = []
