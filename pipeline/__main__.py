"""`python -m pipeline` is the `voci` command."""

from pipeline.cli import main

main()
