"""One screen per job. Each module is imported only when its screen is first shown."""
