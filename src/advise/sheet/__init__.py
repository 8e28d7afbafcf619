"""Stage 1, the fact sheet: read YAML keeping each value's file, line and column, check a
client's sheet against its fields (every problem at once), and write the blank sheet.

May import: advise.errors only. Kept free of imports, so that start-up stays lazy.
"""
