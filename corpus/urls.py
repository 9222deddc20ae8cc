from django.urls import path

from .views import account, projects

app_name = "corpus"

urlpatterns = [
    path("projects/", projects.project_list, name="project-list"),
    path("projects/<slug:project>/", projects.project_detail, name="project-detail"),
    path("account/api-token/", account.api_token, name="api-token"),
]
