"""``python -m api.cli``: the same as the ``ziping`` script."""

from api.cli import main

main()
