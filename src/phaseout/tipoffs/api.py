"""REST endpoints for tip-offs (举报)."""


def register(router) -> None:
    """Add the tip-off endpoints to the one router."""
