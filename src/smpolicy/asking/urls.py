from django.urls import path

from smpolicy.asking import views

app_name = "asking"

urlpatterns = [
    path("ask/", views.ask, name="ask"),
]
