"""The one error the search commands report to users."""


class SearchError(Exception):
    """Search cannot run as asked; the message is Chinese."""
