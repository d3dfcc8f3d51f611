from django.urls import path

from . import campus_callback, campus_views

app_name = "campus"

urlpatterns = [
    path("callback/", campus_callback.progress, name="callback"),
    path(
        "courses/<str:course>/enrollments/<uuid:enrollment_id>/", campus_views.course, name="course"
    ),
]
