from convquest.cli import main

raise SystemExit(main())
