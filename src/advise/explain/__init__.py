"""Stage 4, the explanation: turn a run (advise.advisor.Result) into the report model, with
wording in the reader's language, the steps from sheet to verdict, and the questions a
consultant asks of it: how (proof), why not, what if, and what would change the verdict.

May import: advise.errors, advise.sheet, advise.rulebase, advise.engine and advise.advisor.
Kept free of imports, so that start-up stays lazy.
"""
