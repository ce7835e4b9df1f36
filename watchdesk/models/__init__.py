"""Pydantic types, one module per noun: the currency between store, rules and UI (never textual)."""
