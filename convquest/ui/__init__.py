"""The Textual front end. Only `convquest.cli` imports this package (see docs/ARCHITECTURE.md)."""
