from maeum.cli import main

raise SystemExit(main())
