"""Satisfaction surveys: a session's questions, the attendee's one answer (named or
anonymous), the results with their charts and exports, and the survey request notice."""
