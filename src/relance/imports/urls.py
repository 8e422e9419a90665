from django.urls import path

from relance.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("mapping/<str:token>/", views.mapping, name="mapping"),
    path("runs/<int:pk>/", views.run_page, name="run"),
]
