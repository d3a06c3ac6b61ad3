from blockguide.cli import main

raise SystemExit(main())
