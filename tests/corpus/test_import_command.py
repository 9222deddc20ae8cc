"""python manage.py import_documents PATH... --project SLUG"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from annotate.demo import CORPUS_DIR
from corpus.models import Document


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_a_folder_is_imported_recursively_with_a_progress_bar_and_a_summary(cast, tmp_path):
    (tmp_path / "news" / "2016").mkdir(parents=True)
    (tmp_path / "news" / "2016" / "a.txt").write_text("Abe met Putin in Nagato.\n")
    (tmp_path / "news" / "b.md").write_text("# Sanctions\n\nTokyo keeps them.\n")
    (tmp_path / "news" / "empty.txt").write_bytes(b"")
    (tmp_path / "news" / ".hidden.txt").write_text("Editor's swap file.\n")

    out, err = run(str(tmp_path / "news"), project=cast.project.slug)

    assert sorted(Document.objects.values_list("original_filename", flat=True)) == [
        "news/2016/a.txt",
        "news/b.md",
    ]
    assert "3 files: 2 imported, 0 duplicate, 1 rejected; 2 documents added" in out
    assert "news/empty.txt: rejected: The file is empty." in out
    assert "Importing" in err  # tqdm's bar
    # Attributed to the project's first owner unless told otherwise.
    assert set(Document.objects.values_list("created_by__username", flat=True)) == {"alice"}


def test_a_second_run_reports_duplicates_and_adds_nothing(cast):
    run(str(CORPUS_DIR), project=cast.project.slug, no_progress=True)
    out, _ = run(str(CORPUS_DIR), project=cast.project.slug, no_progress=True)
    assert "5 files: 0 imported, 5 duplicate, 0 rejected; 0 documents added" in out
    assert Document.objects.count() == 5


def test_the_import_can_be_attributed_to_an_annotator(cast, tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n")
    run(str(tmp_path / "a.txt"), project=cast.project.slug, user="bob", no_progress=True)
    assert Document.objects.get().created_by == cast.bob


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"project": "nowhere"}, "No project has the slug “nowhere”."),
        ({"project": "japan-russia", "user": "carol"}, "carol may not import into this project"),
        ({"project": "japan-russia", "user": "mallory"}, "mallory may not import"),
        ({"project": "japan-russia", "user": "nobody"}, "No user is named “nobody”."),
    ],
)
def test_the_command_refuses_what_it_cannot_do(cast, tmp_path, options, message):
    (tmp_path / "a.txt").write_text("Text.\n")
    with pytest.raises(CommandError, match=message):
        run(str(tmp_path / "a.txt"), **options)
    assert not Document.objects.exists()


def test_a_missing_path_is_named(cast, tmp_path):
    with pytest.raises(CommandError, match="Not found: .*missing.txt"):
        run(str(tmp_path / "missing.txt"), project=cast.project.slug)
