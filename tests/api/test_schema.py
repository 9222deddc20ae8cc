"""The OpenAPI schema describes the API exactly: schemathesis, with every check and every
phase (examples, coverage, fuzzing, stateful), runs in process against the ASGI app as
the owner of a project with data, and finds nothing."""

import logging
import time

import pytest
import schemathesis
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from config.asgi import application
from tests.factories import make_actor, make_annotation, make_claim

#: Operations whose inputs must also keep rules no schema states: ids that must name an
#: object in the caller's projects, offsets that must fall inside a document's text,
#: unique names, one owner at least, credentials that must match, network options that
#: must suit each other. A request that breaks one gets 400 with the field and the reason;
#: everywhere else a schema-valid request must be accepted.
RULES_BEYOND_THE_SCHEMA = {
    "actors_create": "the project and affiliation are yours; names are unique",
    "actors_partial_update": "the affiliation is yours and no loop; names are unique",
    "claims_create": "the project and parent are yours; labels are unique",
    "claims_partial_update": "the parent is yours and no loop; labels are unique",
    "annotations_create": "the document is yours; offsets fall inside its text",
    "annotations_partial_update": "offsets fall inside the text; actor and claim are yours",
    "annotations_bulk_create": "as for one annotation, for every item",
    "documents_create": "the project is yours; a real http(s) URL; a text not there yet",
    "documents_partial_update": "a real http(s) URL; a title with a letter in it",
    "documents_import": "the project is yours; not every file rejected",
    "auth_token_create": "the username and password match an account",
    "projects_members_create": "the user exists and is not a member yet",
    "projects_assignments_create": "the document and the annotator are the project's",
    "projects_invitations_destroy": "an invitation is revoked once",
    "projects_create": "a name and description free of control characters",
    "projects_partial_update": "a name and description free of control characters",
    "projects_agreement_retrieve": "the annotators and documents are the project's",
    "annotations_accept_create": "an annotator's annotation, not accepted yet",
    "annotations_export_retrieve": "the source is final, all or a member's username",
    "projects_members_partial_update": "a project keeps one owner at least",
    "projects_members_destroy": "a project keeps one owner at least",
    **{
        f"project_network{suffix}": "the options suit the network kind; start before end"
        for suffix in ("", "_csv", "_edges_csv", "_gexf", "_graphml")
    },
    "project_network_windows": "the options suit the network kind; start before end; "
    "at most 400 windows",
}
# 412: a write whose If-Match names another version of the annotation is refused as
# the protocol says, whatever the body.
POSITIVE = ["2xx", "401", "403", "404", "409", "412", "429"]


def config(token: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 20260101,
            # Every run starts from nothing and leaves nothing in the tree.
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Token {token}"},
            "checks": {
                "enabled": True,
                # A schema-valid request is accepted: no 400, and no 5xx either.
                "positive_data_acceptance": {"expected-statuses": POSITIVE},
            },
            "phases": {"enabled": True, "examples": {"fill-missing": True}},
            "generation": {
                "max-examples": 8,
                "deterministic": True,
                # Text travels as UTF-8, where NUL and lone surrogates are refused (400)
                # as the text no column can hold; the other tests send them on purpose.
                "codec": "utf-8",
                "allow-x00": False,
            },
            "operations": [
                {
                    "include-operation-id": sorted(RULES_BEYOND_THE_SCHEMA),
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400"]}
                    },
                },
                {
                    # A stale If-Match is refused first (412), whatever the body holds.
                    "include-operation-id": ["annotations_partial_update", "annotations_destroy"],
                    "checks": {
                        "negative_data_rejection": {
                            "expected-statuses": ["400", "401", "403", "404", "412", "422"]
                        }
                    },
                },
                {
                    # Django counts a multipart body's parts before the API reads them;
                    # past its limit the answer is 413, a refusal all the same.
                    "include-operation-id": ["documents_import"],
                    "checks": {
                        "negative_data_rejection": {
                            "expected-statuses": ["400", "401", "403", "404", "413", "422", "429"]
                        }
                    },
                },
            ],
            "workers": 1,
        }
    )


def describe(recorder, case_id: str) -> str:
    interaction = recorder.interactions.get(case_id)
    if interaction is None:
        return ""
    request, response = interaction.request, interaction.response
    text = f"{request.method} {request.uri} {(request.body or b'')[:300]!r}"
    if response is not None:
        text += f" -> {response.status_code} {response.content[:300]!r}"
    return text


def run(schema) -> tuple[list[str], dict[str, str], dict[str, float]]:
    """Every finding (check, operation, request and answer), each phase's status, and
    the seconds each phase took."""
    findings: list[str] = []
    phases: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted):
            seconds[event.phase.name.value] = time.monotonic()
        if isinstance(event, events.ScenarioFinished):
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        findings.append(
                            f"[{event.phase.value}] {event.recorder.label}: {check.name}: "
                            f"{failure.title}\n    {describe(event.recorder, case_id)}"
                        )
        elif isinstance(event, events.NonFatalError):
            findings.append(f"error in {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            findings.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.PhaseFinished):
            phases[event.phase.name.value] = event.status.value
            seconds[event.phase.name.value] = time.monotonic() - seconds[event.phase.name.value]
    return findings, phases, seconds


@pytest.fixture
def owner_token(cast, document):
    actor = make_actor(cast.project, "Shinzo Abe")
    claim = make_claim(cast.project, "Closer ties")
    make_annotation(
        document, start=0, end=5, actor=actor, claim=claim, stance="support", created_by=cast.bob
    )
    make_annotation(document, start=6, end=14, created_by=cast.alice)
    return Token.objects.create(user=cast.alice).key


def test_the_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3." in response.content


# The app answers from another thread: the data must be committed for it to see.
@pytest.mark.django_db(transaction=True)
def test_schemathesis_with_every_check_and_phase_finds_nothing(owner_token, capsys, monkeypatch):
    # Thousands of requests a minute: the per-user and anonymous throttles would answer 429
    # to many of them. Views take their throttle classes when they are defined, so they are
    # lifted on the base view (the token endpoint keeps its own).
    monkeypatch.setattr(APIView, "throttle_classes", ())
    # The app's threads close their connections after each request, so that none is left
    # open on the test database when it is dropped.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    try:
        schema = schemathesis.openapi.from_asgi(
            "/api/schema/", application, config=config(owner_token)
        )
        findings, phases, seconds = run(schema)
    finally:
        logging.getLogger("django.request").setLevel(logging.NOTSET)
    with capsys.disabled():
        took = ", ".join(f"{name} {phases[name]} {seconds[name]:.0f} s" for name in phases)
        print(f"\nschemathesis: {took}; {len(findings)} findings")
    assert {name: phases.get(name) for name in ("examples", "coverage", "fuzzing", "stateful")} == {
        "examples": "success",
        "coverage": "success",
        "fuzzing": "success",
        "stateful": "success",
    }, "\n".join(findings)
    assert findings == []
