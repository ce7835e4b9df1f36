"""Pure domain rules, one module per noun; no I/O but the shipped TOML rule packs, never textual."""
