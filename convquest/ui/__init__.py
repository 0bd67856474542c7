"""The Textual front end. Outside this package only the CLI (`convquest.cli` and the command modules
in `convquest.commands`) imports it (see docs/ARCHITECTURE.md)."""
