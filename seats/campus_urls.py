from django.urls import path

from . import campus_views

app_name = "campus"

urlpatterns = [
    path(
        "courses/<str:course>/enrollments/<uuid:enrollment_id>/", campus_views.course, name="course"
    ),
]
