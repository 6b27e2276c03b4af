"""The TechEmpower test types, written the way a Django user writes them."""

from operator import attrgetter
from random import randint

from django import forms
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render

from world.models import Fortune, Post, World


def query_count(request) -> int:
    try:
        n = int(request.GET.get("queries") or 1)
    except ValueError:
        return 1
    return min(max(n, 1), 500)


def as_dict(world: World) -> dict:
    return {"id": world.id, "randomNumber": world.randomnumber}


def json(request):
    return JsonResponse({"message": "Hello, World!"})


def plaintext(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


def db(request):
    return JsonResponse(as_dict(World.objects.get(id=randint(1, 10000))))


def queries(request):
    worlds = [as_dict(World.objects.get(id=randint(1, 10000)))
              for _ in range(query_count(request))]
    return JsonResponse(worlds, safe=False)


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=attrgetter("message"))
    return render(request, "world/fortunes.html", {"fortunes": rows})


def updates(request):
    worlds = []
    for _ in range(query_count(request)):
        world = World.objects.get(id=randint(1, 10000))
        world.randomnumber = randint(1, 10000)
        world.save()
        worlds.append(as_dict(world))
    return JsonResponse(worlds, safe=False)


# The routes real users have -------------------------------------------------------------
def me(request):
    """A logged-in user's JSON: the session, its user, plus one query."""
    if not request.user.is_authenticated:
        return JsonResponse({"title": "Log in first"}, status=401)
    world = World.objects.get(id=randint(1, 10000))
    return JsonResponse({"username": request.user.username, **as_dict(world)})


class NoteForm(forms.Form):
    title = forms.CharField(max_length=100)
    number = forms.IntegerField(min_value=1, max_value=10000)


def form(request):
    """GET: a CSRF token (and its cookie); POST: a form checked against it."""
    if request.method != "POST":
        return JsonResponse({"csrf_token": get_token(request)})
    note = NoteForm(request.POST)
    if not note.is_valid():
        return JsonResponse({"errors": note.errors}, status=422)
    return JsonResponse(note.cleaned_data)


def posts(request):
    """What the ModelResource answers for ?include=author&limit=20, by hand."""
    try:
        limit = min(max(int(request.GET.get("limit", 20)), 1), 100)
    except ValueError:
        return JsonResponse({"title": "Invalid limit"}, status=400)
    query = Post.objects.order_by("id")
    count = query.count()
    rows = list(query.prefetch_related("author")[:limit])
    data = [{"id": p.id, "title": p.title, "body": p.body,
             "author": {"id": p.author.id, "name": p.author.name}} for p in rows]
    return JsonResponse({"meta": {"count": count, "limit": limit, "offset": 0},
                         "links": {"next": f"/posts?include=author&limit={limit}&offset={limit}"
                                   if limit < count else None, "prev": None},
                         "data": data})
