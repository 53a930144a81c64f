import sys

from oricol.cli import main

sys.exit(main())
