"""Buttons that apps above events add to an attendee's list of sessions ("Answer the
survey", say). Each app hands in a provider from `AppConfig.ready`; the list asks every
provider once for all the sessions it shows, so the page's queries stay constant."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Prompt:
    label: str | Promise
    url: str


PromptProvider = Callable[[int, list[int]], dict[int, list[Prompt]]]
_providers: dict[str, PromptProvider] = {}


def provide_prompts(name: str, provider: PromptProvider) -> None:
    """Add a provider under a name; the same name again replaces it."""
    _providers[name] = provider


def prompts_for(person_id: int | None, session_ids: Iterable[int]) -> dict[int, list[Prompt]]:
    """Every provider's prompts for these sessions, by session id."""
    ids = list(session_ids)
    found: dict[int, list[Prompt]] = {}
    if person_id is None or not ids:
        return found
    for provider in _providers.values():
        for session_id, prompts in provider(person_id, ids).items():
            found.setdefault(session_id, []).extend(prompts)
    return found
