"""`python -m rbxl`."""

from .cli import main

main()
