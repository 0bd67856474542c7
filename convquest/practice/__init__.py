"""Practice and exam modes as plain Python: the spaced-repetition schedule, the exam paper and its
clock, the report, and their history in the progress database. The UI (convquest.ui.practice)
and the CLI (convquest.commands.practice) only drive these."""
