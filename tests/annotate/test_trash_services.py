from annotate.models import Annotation
from annotate.services.trash import empty_trash, trash_annotation
from tests.factories import make_annotation, make_document


def test_emptying_the_trash_deletes_only_this_projects_trashed_annotations(cast, document):
    kept = make_annotation(document, start=0, end=4)
    gone = make_annotation(document, start=5, end=9)
    trash_annotation(annotation=gone, trashed_by=cast.bob)
    elsewhere = make_annotation(make_document(cast.other), start=0, end=3)
    trash_annotation(annotation=elsewhere, trashed_by=cast.mallory)

    assert empty_trash(project=cast.project, emptied_by=cast.alice) == 1

    assert set(Annotation.objects.values_list("pk", flat=True)) == {kept.pk, elsewhere.pk}


def test_the_history_of_an_annotation_deleted_for_good_stays(cast, document):
    gone = make_annotation(document, start=5, end=9)
    trash_annotation(annotation=gone, trashed_by=cast.bob)
    empty_trash(project=cast.project, emptied_by=cast.alice)
    records = Annotation.history.filter(id=gone.pk).order_by("history_id")
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert records.last().history_user == cast.alice
