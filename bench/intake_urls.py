"""The site's URLs plus one bare view, for bench.api_intake: served by the same gunicorn workers,
settings and middleware as the API, it is the ceiling a create is measured against (the rate of a
request that does no work of its own)."""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site_urlpatterns

BODY = b'{"number":"2026120100001","query_code":"ABCDEFGH","state":"received","version":1}'


@csrf_exempt  # posted to like a create, by a client without a session (the API is exempt too)
def bare(request):
    _order = request.body  # read the work order as a create does, nothing more
    return HttpResponse(BODY, status=201, content_type="application/json")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
