from django.core.management import call_command

from corpus.models import Document
from corpus.search import highlight, search_documents
from tests.factories import make_document


def test_a_search_for_naryshkin_finds_the_one_demo_document_that_names_him(db):
    call_command("load_demo", verbosity=0)
    found = list(search_documents(Document.objects.all(), "Naryshkin"))
    assert [d.title for d in found] == [
        "Abe plans Putin visit to revive island talks and keep Moscow from Beijing"
    ]


def test_every_word_of_the_query_must_match(cast):
    make_document(cast.project, title="Sanctions", text="Japan keeps sanctions on Russia.")
    make_document(cast.project, title="Islands", text="The Kuril islands dispute.")
    titles = {d.title for d in search_documents(Document.objects.all(), "Japan sanctions")}
    assert titles == {"Sanctions"}


def test_search_is_scoped_by_the_queryset_it_is_given(cast):
    make_document(cast.project, title="Ours", text="Naryshkin spoke.")
    make_document(cast.other, title="Theirs", text="Naryshkin spoke again.")
    found = search_documents(Document.objects.filter(project=cast.project), "naryshkin")
    assert [d.title for d in found] == ["Ours"]


def test_highlight_marks_the_words_and_escapes_the_text():
    snippet = highlight("<b>Tokyo</b> said Naryshkin's remarks were <i>odd</i>.", "naryshkin")
    assert "<mark>Naryshkin&#x27;s</mark>" in snippet
    assert "&lt;b&gt;Tokyo&lt;/b&gt;" in snippet
    assert "<b>" not in snippet
