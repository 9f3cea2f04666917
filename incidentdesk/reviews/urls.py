from django.urls import path

from . import views

urlpatterns = [
    path("management-review/", views.management_review, name="management-review"),
    path("management-review/pack.<str:fmt>", views.management_review_export, name="management-review-export"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/no-change/", views.no_change, name="review-no-change"),
]
