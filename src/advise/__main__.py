"""`python -m advise` is the same as the `advise` command."""

from .cli.main import main

if __name__ == "__main__":
    main()
