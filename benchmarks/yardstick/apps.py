from allauth.account.apps import AccountConfig


class AccountModelsOnly(AccountConfig):
    """allauth's account app for its models only: its ready() asks for allauth's middleware,
    which the plain project does not run (Loket's models import allauth)."""

    def ready(self) -> None:
        pass
