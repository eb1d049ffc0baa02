import sys

from supercrystal.cli import main

sys.exit(main())
