from django.urls import path

from . import callback, views

app_name = "campus"

urlpatterns = [
    path("callback/", callback.progress, name="callback"),
    path("courses/<str:course>/enrollments/<uuid:enrollment_id>/", views.course, name="course"),
]
