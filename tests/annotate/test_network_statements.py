"""The statements behind a node or a tie of the network page's drawing.

Actors A, B, C and claims X, Y, in one document whose words are the quotes:
A supports X ("alpha") and opposes Y ("bravo"); B supports X ("charlie") and Y
("delta"); C is neutral on X ("echo"); A's support of X in "foxtrot" is in the trash."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from annotate.services.trash import trash_annotation

from ..factories import make_actor, make_annotation, make_claim, make_document

pytestmark = pytest.mark.django_db

TEXT = "alpha bravo charlie delta echo foxtrot"


def say(document, actor, claim, stance, word):
    start = TEXT.index(word)
    return make_annotation(
        document, actor=actor, claim=claim, stance=stance, start=start, end=start + len(word)
    )


@pytest.fixture
def data(cast):
    document = make_document(cast.project, title="Talks in Moscow", text=TEXT)
    a, b, c = (make_actor(cast.project, name) for name in ("A", "B", "C"))
    x, y = make_claim(cast.project, "X"), make_claim(cast.project, "Y")
    say(document, a, x, "support", "alpha")
    say(document, a, y, "oppose", "bravo")
    say(document, b, x, "support", "charlie")
    say(document, b, y, "support", "delta")
    say(document, c, x, "neutral", "echo")
    trash_annotation(annotation=say(document, a, x, "support", "foxtrot"), trashed_by=cast.alice)
    return SimpleNamespace(document=document, a=a, b=b, c=c, x=x, y=y)


def behind(client, project, headers=None, **params):
    url = reverse("annotate:network-statements", args=[project.slug])
    return client.get(url, {"kind": "affiliation", **params}, headers=headers or {})


def quotes(response) -> set[str]:
    return {statement.quote for statement in response.context["behind"].statements}


def node(entry) -> str:
    return f"{'actor' if hasattr(entry, 'name') else 'claim'}-{entry.pk}"


def test_a_viewer_lists_an_actors_statements_linked_to_their_passages(client, cast, data):
    client.force_login(cast.carol)
    response = behind(client, cast.project, node=node(data.a))
    assert response.status_code == 200
    assert quotes(response) == {"alpha", "bravo"}
    html = response.content.decode()
    reader = reverse("annotate:reader", args=[cast.project.slug, data.document.pk])
    for statement in response.context["behind"].statements:
        assert f'href="{reader}#annotation-{statement.pk}"' in html
    assert "Statements behind A" in html and "Talks in Moscow" in html
    assert "Support" in html and "Oppose" in html


def test_a_claims_node_lists_every_actors_statements_on_it(client, cast, data):
    client.force_login(cast.carol)
    assert quotes(behind(client, cast.project, node=node(data.x))) == {"alpha", "charlie", "echo"}


def test_an_affiliation_tie_lists_the_actors_statements_on_the_claim(client, cast, data):
    client.force_login(cast.carol)
    response = behind(client, cast.project, source=node(data.a), target=node(data.x))
    assert quotes(response) == {"alpha"}
    reverse_order = behind(client, cast.project, source=node(data.x), target=node(data.a))
    assert quotes(reverse_order) == {"alpha"}


@pytest.mark.parametrize(
    ("kind", "pair", "expected"),
    [
        ("congruence", ("a", "b"), {"alpha", "charlie"}),
        ("conflict", ("a", "b"), {"bravo", "delta"}),
        ("cooccurrence", ("a", "b"), {"alpha", "bravo", "charlie", "delta"}),
        # Neutral against support counts half in congruence and half in conflict.
        ("congruence", ("a", "c"), {"alpha", "echo"}),
        ("conflict", ("a", "c"), {"alpha", "echo"}),
        ("conflict", ("b", "c"), {"charlie", "echo"}),
    ],
)
def test_a_one_mode_tie_lists_the_statements_that_make_it(client, cast, data, kind, pair, expected):
    client.force_login(cast.carol)
    first, second = (getattr(data, name) for name in pair)
    response = behind(client, cast.project, kind=kind, source=node(first), target=node(second))
    assert quotes(response) == expected


def test_the_networks_filters_apply_to_the_list(client, cast, data):
    client.force_login(cast.carol)
    response = behind(client, cast.project, node=node(data.a), exclude_claim=data.x.pk)
    assert quotes(response) == {"bravo"}


def test_htmx_gets_the_list_alone_and_a_plain_request_a_page_back_to_the_network(
    client, cast, data
):
    client.force_login(cast.carol)
    fragment = behind(client, cast.project, {"HX-Request": "true"}, node=node(data.a))
    assert fragment.content.decode().lstrip().startswith('<section id="network-statements"')
    page = behind(client, cast.project, node=node(data.a), exclude_claim=data.y.pk)
    html = page.content.decode()
    assert "<html" in html and "Back to the network" in html
    back = reverse("annotate:network", args=[cast.project.slug])
    assert re.search(rf'href="{back}\?kind=affiliation&amp;exclude_claim={data.y.pk}"', html)


def test_another_projects_statements_are_404(client, cast, data):
    client.force_login(cast.mallory)
    assert behind(client, cast.project, node=node(data.a)).status_code == 404
    theirs = make_actor(cast.other, "Theirs")
    client.force_login(cast.alice)
    assert behind(client, cast.project, node=node(theirs)).status_code == 404
    tie = behind(client, cast.project, kind="conflict", source=node(data.a), target=node(theirs))
    assert tie.status_code == 404
    assert behind(client, cast.project, node="actor-999999999").status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"node": "bogus"}, "'bogus' is not a node"),
        ({"node": "actor-"}, "is not a node"),
        ({}, "Choose a node"),
        ({"source": "actor-1"}, "Choose a node"),
        ({"kind": "sideways", "node": "actor-1"}, "kind:"),
        ({"kind": "congruence", "normalization": "prominence", "node": "actor-1"}, "does not"),
    ],
)
def test_bad_requests_get_a_clear_message(client, cast, data, params, message):
    client.force_login(cast.carol)
    response = behind(client, cast.project, **params)
    assert response.status_code == 400
    assert message in response.context["error"]


def test_a_tie_must_join_what_the_network_joins(client, cast, data):
    client.force_login(cast.carol)
    two_actors = behind(client, cast.project, source=node(data.a), target=node(data.b))
    assert two_actors.status_code == 400
    assert "joins an actor and a claim" in two_actors.context["error"]
    actor_claim = behind(
        client, cast.project, kind="conflict", source=node(data.a), target=node(data.x)
    )
    assert actor_claim.status_code == 400 and "joins two actors" in actor_claim.context["error"]
    itself = behind(client, cast.project, kind="conflict", source=node(data.a), target=node(data.a))
    assert itself.status_code == 400


def test_a_long_list_shows_the_first_ones_and_says_how_many(client, cast, data, monkeypatch):
    monkeypatch.setattr("annotate.network_statements.LIMIT", 2)
    monkeypatch.setattr("annotate.views.network_statements.LIMIT", 2)
    client.force_login(cast.carol)
    response = behind(client, cast.project, node=node(data.x))
    assert len(response.context["behind"].statements) == 2
    assert "3 statements; the first 2 are listed." in response.content.decode()
    tie = behind(
        client, cast.project, kind="cooccurrence", source=node(data.a), target=node(data.b)
    )
    assert len(tie.context["behind"].statements) == 2 and tie.context["behind"].total == 4


def test_query_count_holds_as_the_statements_grow(
    client, cast, data, django_assert_max_num_queries
):
    client.force_login(cast.carol)
    requests = [
        {"node": node(data.a)},
        {"source": node(data.a), "target": node(data.x)},
        {"kind": "conflict", "source": node(data.a), "target": node(data.b)},
    ]
    counts = []
    for params in requests:
        with django_assert_max_num_queries(12) as captured:
            behind(client, cast.project, {"HX-Request": "true"}, **params)
        counts.append(len(captured))
    more = make_document(cast.project, text=TEXT + " again")
    for n in range(20):
        claim = make_claim(cast.project)
        say(more, data.a, claim, "support", "alpha")
        say(more, data.b, claim, "oppose" if n % 2 else "support", "charlie")
        say(more, data.a, data.x, "support", "bravo")
    for params, before in zip(requests, counts, strict=True):
        with django_assert_max_num_queries(before) as captured:
            response = behind(client, cast.project, {"HX-Request": "true"}, **params)
        assert len(response.context["behind"].statements) > 2
