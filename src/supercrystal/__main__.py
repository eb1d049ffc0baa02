import sys

from supercrystal.cli import main  # sets one BLAS thread before numpy loads (supercrystal.threads)

sys.exit(main())
