from django.urls import path

from . import views

app_name = "corpus"

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/<slug:project>/", views.project_detail, name="project-detail"),
]
