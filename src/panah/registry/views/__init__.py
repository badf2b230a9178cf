"""Pages of the household registry: registration, households, lookup, golden records, duplicates, batch reviews."""
