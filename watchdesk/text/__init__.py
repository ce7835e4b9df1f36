"""Pure text helpers: full-text grams, pinyin keys, category search, time formatting."""
