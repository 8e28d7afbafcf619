"""Stage 3, the engine: compile a rule base to durable_rules rulesets in strata, check them
against durable_rules' limits, run a sheet forward to a fixpoint (advise.engine.durable is
the one module that imports durable) and keep the trace of what fired; the rule-base cache.

May import: advise.errors, advise.sheet and advise.rulebase. Kept free of imports, so that
start-up stays lazy.
"""
