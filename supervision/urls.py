from django.urls import path

from . import views, views_sampling, views_todo

urlpatterns = [
    path("", views.overview, name="supervision"),
    path("todo/", views_todo.todo, name="todo"),
    path("sampling/", views_sampling.sampling, name="supervision-sampling"),
    path("red-lines/", views.red_lines, name="supervision-red-lines"),
    path("stage-replies/", views.stage_replies, name="supervision-stage-replies"),
    path("accountability/", views.accountability, name="supervision-accountability"),
    path("clusters/", views.clusters, name="supervision-clusters"),
    path("cases/<str:number>/pause/", views.case_pause, name="supervision-case-pause"),
]
