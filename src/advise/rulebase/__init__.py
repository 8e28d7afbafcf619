"""Stage 2, the rule base: the rule model, loading the rule files, vocabulary and tables,
the operators and the safe expressions they compute with, and which facts each rule
reads or writes (usage).

May import: advise.errors and advise.sheet. Kept free of imports, so that start-up stays lazy.
"""
