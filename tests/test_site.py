import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_root_leads_a_signed_out_visitor_to_sign_in(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert b"Sign in" in response.content


def test_pages_carry_a_content_security_policy_that_allows_only_own_scripts(client, db):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_health_check_reports_the_database(client, db):
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "up"}


def test_health_check_names_a_shared_cache_that_does_not_answer(client, db, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    # Nothing listens on port 1.
    gone = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    monkeypatch.setattr("corpus.views.projects.caches", {"default": gone})
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "cache": "down"}


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "-production-secret-for-the-deploy-check-" + "y" * 20,
        "ALLOWED_HOSTS": "stancemap.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_connection_options_in_the_database_url_are_kept_beside_prepared_statements():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://app@db.example.org/app?sslmode=require&connect_timeout=5",
    }
    script = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES['default']['OPTIONS'].items()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('connect_timeout', 5), ('server_side_binding', True), ('sslmode', 'require')]"
    )


def test_a_viewer_sent_to_a_write_page_gets_the_sites_own_explanation(client, cast):
    client.force_login(cast.carol)
    response = client.get(reverse("corpus:import", args=[cast.project.slug]))
    assert response.status_code == 403
    assert b"Not allowed" in response.content
    # The same sentence as the API's refusal (tests/api/test_permissions.py).
    assert b"Viewers can read this project but not change it" in response.content


def test_the_api_answers_json_even_to_a_browser(client, cast):
    client.force_login(cast.carol)
    response = client.get(
        "/api/annotations/",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_unknown_api_path_answers_json_404(client, cast):
    client.force_login(cast.carol)
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint in the API."}


def test_the_project_navigation_offers_import_to_annotators_only_on_every_page(client, cast):
    pages = [
        reverse("corpus:project-detail", args=[cast.project.slug]),
        reverse("annotate:actor-list", args=[cast.project.slug]),
        reverse("annotate:matrix", args=[cast.project.slug]),
        reverse("annotate:network", args=[cast.project.slug]),
    ]
    import_url = reverse("corpus:import", args=[cast.project.slug]).encode()
    for user, shown in ((cast.bob, True), (cast.carol, False)):
        client.force_login(user)
        for url in pages:
            assert (import_url in client.get(url).content) is shown, (user.username, url)
