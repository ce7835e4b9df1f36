"""Renderers for the handover sheet and exports: plain text, Markdown, PDF. No textual."""
