from django.apps import AppConfig


class AnnotateConfig(AppConfig):
    name = "annotate"
    verbose_name = "Annotation"

    def ready(self) -> None:
        from corpus import hooks

        from . import dna, queries
        from .api import errors
        from .services.annotations import annotation_text_lock

        hooks.register_text_lock(annotation_text_lock)
        hooks.register_importer(".dna", dna.parse_dna)
        hooks.register_document_list_annotator(queries.with_annotation_counts)
        hooks.register_api_error_handler(errors.service_error_response)
        hooks.register_assignment_work(queries.with_assignment_work)
        hooks.register_daily_work(queries.statements_per_day)
