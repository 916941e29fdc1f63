"""Sales-coaching copilot: rep-specific coaching drafts grounded in each rep's own record."""

__version__ = "0.1.0"
