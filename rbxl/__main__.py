"""`python -m rbxl`, and the `rbxl` command (`run`)."""

import sys


def run() -> None:
    """The command's entry point: a Ctrl+C while the command line is still being imported stops
    with the same message and exit code (130) as one during the work, not with a traceback."""
    from rbxl.core.errors import EXIT_INTERRUPTED
    from rbxl.core.messages import message

    try:
        from rbxl.cli import main
    except KeyboardInterrupt:
        sys.stderr.write(f"\n{message('CLI_INTERRUPTED')}\n")
        sys.exit(EXIT_INTERRUPTED)
    main()


if __name__ == "__main__":  # not again in a spawned worker (Windows)
    run()
