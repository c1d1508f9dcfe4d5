"""``python -m briefing``: the same as the ``briefing`` command."""

from briefing.cli import main

main()
