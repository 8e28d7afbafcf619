"""Stage 5, rendering: a report model to text, Markdown, HTML or JSON, through Jinja
templates in the sandbox, with the text layout and the time chart.

May import: advise.errors, advise.sheet, advise.engine (its cache) and advise.explain.
Kept free of imports, so that start-up stays lazy.
"""
