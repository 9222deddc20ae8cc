import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from annotate.models import Actor, Annotation
from annotate.services import NewAnnotation, create_annotations, merge_actors, trash_annotation, empty_trash
from tests.factories import make_actor, make_claim


def test_bench(cast, document, client):
    a = make_actor(cast.project, "A"); b = make_actor(cast.project, "B")
    items = [NewAnnotation(document=document, start=i % 50, end=i % 50 + 3, actor=a) for i in range(5000)]
    create_annotations(items=items, created_by=cast.bob)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        merge_actors(source=a, target=b, merged_by=cast.bob)
    print(f"\nmerge 5000 annotations: {time.perf_counter()-t:.3f}s, {len(q.captured_queries)} queries")
    for i in range(500):
        make_actor(cast.project, f"Actor {i:04d}")
        make_claim(cast.project, f"Claim {i:04d}")
    client.force_login(cast.bob)
    for name in ("actor-list", "claim-list"):
        times = []
        for _ in range(10):
            t = time.perf_counter(); r = client.get(reverse(f"annotate:{name}", args=[cast.project.slug])); times.append(time.perf_counter()-t)
        times.sort()
        print(f"{name} with 500 entries (100 per page, 5000 annotations): median {times[5]*1000:.1f} ms, {len(r.content)} bytes")
    ids = list(Annotation.objects.values_list("pk", flat=True)[:1000])
    Annotation.objects.filter(pk__in=ids).update(deleted_at="2026-01-01T00:00:00Z")
    times = []
    for _ in range(10):
        t = time.perf_counter(); r = client.get(reverse("annotate:trash", args=[cast.project.slug])); times.append(time.perf_counter()-t)
    times.sort()
    print(f"trash page with 1000 trashed (50 per page): median {times[5]*1000:.1f} ms")
    t = time.perf_counter()
    n = empty_trash(project=cast.project, emptied_by=cast.alice)
    print(f"empty trash of {n}: {time.perf_counter()-t:.3f}s")
