from django.apps import AppConfig


class AnnotateConfig(AppConfig):
    name = "annotate"
    verbose_name = "Annotation"

    def ready(self) -> None:
        from corpus import hooks

        from . import dna, services

        hooks.register_text_lock(services.annotation_text_lock)
        hooks.register_importer(".dna", dna.parse_dna)
