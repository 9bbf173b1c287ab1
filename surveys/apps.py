from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from common.places import provide_places

        from .places import PLACES

        provide_places(PLACES)

        from events.notices.kinds import register
        from events.prompts import provide_prompts

        from .notices import SURVEY_REQUEST_KIND
        from .selectors import survey_prompts

        register(SURVEY_REQUEST_KIND)
        provide_prompts("survey", survey_prompts)
