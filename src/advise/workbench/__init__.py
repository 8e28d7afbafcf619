"""The consultant's workbench, beside the pipeline: the checks of a rule base and their
catalogue, feasibility, rule cases and coverage, rule docs, the rule graph, scaffolding
new rules, the questions of the sheet (for the interview, the web questionnaire and form
tools), the interview that fills a sheet, and the JSON Schemas.

May import: every stage below it (advise.errors, advise.output, advise.sheet,
advise.rulebase, advise.engine, advise.advisor, advise.explain), never advise.cli.
Kept free of imports, so that start-up stays lazy.
"""
