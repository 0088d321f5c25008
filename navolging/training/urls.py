from django.urls import path  # noqa: F401  (the training helper fills this in)

app_name = "training"
urlpatterns: list = []
