"""`python -m rbxl`."""

from rbxl.cli import main

if __name__ == "__main__":  # not again in a spawned worker (Windows)
    main()
