"""Forms of events' pages: `sessions` scheduling and the bulk choice of points, `editing`
the edits after scheduling, `rosters` rosters, reminder plans and contacts."""

from .editing import ChairForm, OccurrenceEditForm, SeriesForm, SessionEditForm
from .rosters import (
    ContactForm,
    InviteAgencyForm,
    PersonDetailsForm,
    ReasonForm,
    ReminderRuleForm,
    SubstituteForm,
)
from .sessions import (
    CancelForm,
    PointChoiceMixin,
    PointsChangeForm,
    RescheduleForm,
    SessionFilterForm,
    SessionForm,
)

__all__ = [
    "CancelForm",
    "ChairForm",
    "ContactForm",
    "InviteAgencyForm",
    "OccurrenceEditForm",
    "PersonDetailsForm",
    "PointChoiceMixin",
    "PointsChangeForm",
    "ReasonForm",
    "ReminderRuleForm",
    "RescheduleForm",
    "SeriesForm",
    "SessionEditForm",
    "SessionFilterForm",
    "SessionForm",
    "SubstituteForm",
]
