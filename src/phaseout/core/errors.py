"""Domain errors raised by services. Views and the API turn them into form errors or 4xx."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ProcedureError", "ValidationError"]


class ProcedureError(Exception):
    """An act that the legal procedure does not allow now; the message says why."""
