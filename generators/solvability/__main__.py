from gvgai_generators.solvability.witnesses import main

raise SystemExit(main())
