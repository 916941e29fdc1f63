"""The manager's workspace in the browser: server-rendered pages (Jinja2 + vendored htmx) over
the same services as the HTTP API, signed in by a server-side session."""

from copilot.web.site import install

__all__ = ["install"]
