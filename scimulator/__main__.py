import sys

from scimulator.cli import main

sys.exit(main())
