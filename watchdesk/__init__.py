"""watchdesk: a keyboard-first terminal console for a 24/7 emergency-management watch desk."""

__version__ = "0.1.0"
