"""The report formats: one list, read by the renderer and the command line alike (kept
free of imports, so that the command line can offer the choices without loading Jinja)."""

FORMATS = ("text", "markdown", "html", "json")
# The template of each format but JSON (written from the model, advise.render.json_report).
TEMPLATE_FOR = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}
EXTENSION = {"text": "txt", "markdown": "md", "html": "html"}
