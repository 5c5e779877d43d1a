"""Read-only public REST endpoints: the published lists and enterprises' public records."""


def register(router) -> None:
    """Add the public endpoints to the one router."""
