from smpolicy.cli import main

raise SystemExit(main())
