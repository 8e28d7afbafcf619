"""The command line, a thin layer: the main group and the `run` command (advise.cli.main),
then one module per command family (batch, workbench, serve). Parse, call the library, report
errors cleanly, print.

May import: anything in advise; nothing imports it. Kept free of imports, so that
`advise --version` loads only what it needs.
"""
