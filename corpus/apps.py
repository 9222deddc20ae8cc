from django.apps import AppConfig


class CorpusConfig(AppConfig):
    name = "corpus"
    verbose_name = "Corpus"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save
        from rest_framework.authtoken.models import Token

        from .api.authentication import token_changed, user_changed

        # A changed token or user is refused, or seen anew, on the very next request.
        for signal in (post_save, post_delete):
            signal.connect(token_changed, sender=Token, dispatch_uid="forget-token")
            signal.connect(user_changed, sender=get_user_model(), dispatch_uid="forget-user")
