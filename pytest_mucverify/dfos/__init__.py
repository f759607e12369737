"""Pure DFOS parsers and rules: they take text or data and return data, and never touch a host."""
