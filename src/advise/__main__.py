"""`python -m advise` is the same as the `advise` command."""

from .cli import main

if __name__ == "__main__":
    main()
