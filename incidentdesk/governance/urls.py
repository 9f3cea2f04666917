from django.urls import path

from . import views

urlpatterns = [
    path("documents/", views.register, name="documents"),
    path("documents/<str:kind>/", views.document, name="document"),
    path("documents/<str:kind>/generate/", views.generate, name="document-generate"),
    path("documents/<str:kind>/draft/", views.start, name="document-draft"),
    path("documents/<str:kind>/settings/", views.settings, name="document-settings"),
    path("documents/<str:kind>/publish/", views.publish, name="document-publish"),
    path("documents/<str:kind>/v<int:number>/", views.version, name="document-version"),
    path("documents/<str:kind>/v<int:number>/edit/", views.edit, name="document-edit"),
    path("documents/<str:kind>/v<int:number>/submit/", views.submit, name="document-submit"),
    path("documents/<str:kind>/v<int:number>/return/", views.send_back, name="document-return"),
    path("documents/<str:kind>/v<int:number>/approve/", views.approve, name="document-approve"),
    path("documents/<str:kind>/v<int:number>/export.<str:fmt>", views.export, name="document-export"),
    path("public/documents/<str:kind>/", views.public, name="document-public"),
]
