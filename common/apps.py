from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        # SQLite's fold function is registered as each connection opens: the receiver must
        # be connected before the first one, not when a search module is first imported.
        from . import search  # noqa: F401
