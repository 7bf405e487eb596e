"""The owner's and holder's proposal pages, under /<lang>/my/proposals/."""

from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.proposal_list_view, name="proposal_list"),
    path("<int:pk>/", views.proposal_detail_view, name="proposal_detail"),
    path("<int:pk>/accept/", views.accept_view, name="proposal_accept"),
    path("<int:pk>/decline/", views.decline_view, name="proposal_decline"),
    path("<int:pk>/withdraw/", views.withdraw_view, name="proposal_withdraw"),
    path("<int:pk>/visits/", views.slot_propose_view, name="proposal_slot_propose"),
    path(
        "<int:pk>/visits/<int:slot_pk>/confirm/",
        views.slot_confirm_view,
        name="proposal_slot_confirm",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.document_view,
        name="proposal_document",
    ),
]
