"""The TechEmpower test types, written the way a Django user writes them."""

from operator import attrgetter
from random import randint

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from world.models import Fortune, World


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
