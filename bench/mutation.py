"""Mutation testing of advise's core with mutmut: does the suite fail when the code breaks?

mutmut changes one thing at a time in a module (a `<` into `<=`, a string into another, a
call dropped) and runs the tests that reach the changed function; a mutant the tests do
not catch "survives". Each module of the core runs in a copy of the project of its own,
with only the test files that concern it, niced, a few modules at once:

    .venv/bin/pip install -e ".[mutation]"     # mutmut: not part of the default install
    .venv/bin/python bench/mutation.py         # every module, 2 at a time (tens of minutes)
    .venv/bin/python bench/mutation.py output inference --jobs 1
    .venv/bin/python bench/mutation.py --report-only   # bench/mutation.md from the last runs

The results go to bench/mutation.md: the score per module, and every surviving mutant with
its diff and either the test that now kills it or a one-line reason why it is equivalent
(it changes nothing a user, a caller or a test could observe). Those reasons live in
EQUIVALENT below, keyed by mutmut's name for the mutant; a survivor without one is listed
as "not killed". Not part of CI: it takes tens of minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("ADVISE_MUTATION_DIR", "/tmp/advise-mutation"))
MUTMUT = Path(sys.executable).with_name("mutmut")
COPIED = ["src", "tests", "rules", "examples", "explanations", "docs", "bench", "README.md", "README.fr.md",
          "pyproject.toml"]


@dataclass(frozen=True)
class Module:
    name: str
    what: str  # the part of the core, as bench/mutation.md names it
    source: str
    tests: tuple[str, ...]
    pytest_args: tuple[str, ...] = ()
    mutants: tuple[str, ...] = ()  # mutmut name patterns; empty: every function of the file
    # (old, new) replacements in the copy's source, for mutmut's sake only (see MODULES)
    patches: tuple[tuple[str, str], ...] = ()


MODULES = [
    Module("sheet", "fact sheet validation", "src/advise/sheet/facts.py", ("tests/sheet/test_facts.py",)),
    Module("compiler", "compiler, stratification and cycle detection", "src/advise/engine/compiler.py",
           ("tests/engine/test_compiler.py", "tests/engine/test_inference.py", "tests/engine/test_durable.py",
            "tests/engine/test_durable_limits.py")),
    # durable_rules counts the arguments of each action (func.__code__.co_argcount); mutmut
    # wraps every method in a trampoline taking *args, which durable then refuses ("Invalid
    # function signature"). In the copy only, the bound method goes through a lambda.
    Module("durable", "the durable_rules adapter", "src/advise/engine/durable.py",
           ("tests/engine/test_durable.py", "tests/engine/test_durable_reports.py", "tests/engine/test_durable_limits.py",
            "tests/engine/test_hostile_numbers.py", "tests/engine/test_durable_shortcuts.py"),
           ("-k", "not 2000_rules"),  # 40 s a mutant for a size limit the compiler's run covers
           patches=(("actions = {IGNORE_ACTION: self._ignore, CLOSE_RULE: self._ignore}",
                     "actions = {IGNORE_ACTION: lambda closure: self._ignore(closure), "
                     "CLOSE_RULE: lambda closure: self._ignore(closure)}"),)),
    Module("durable_json", "the JSON durable reads and writes, and batch texts", "src/advise/engine/durable_json.py",
           ("tests/engine/test_hostile_numbers.py", "tests/engine/test_batch_texts.py",
            "tests/engine/test_durable_loop.py")),
    Module("inference", "inference, agreement, priority and conflict", "src/advise/engine/inference.py",
           ("tests/engine/test_inference.py",)),
    Module("output", "atomic output", "src/advise/output.py",
           ("tests/test_output.py", "tests/test_hostile_output.py", "tests/workbench/test_scaffold.py")),
    Module("escaping", "escaping in rendering (escape_markdown, t(), autoescape)", "src/advise/render/renderer.py",
           ("tests/render/test_renderer.py",), ("-k", "not headless_browser"),
           ("advise.render.renderer.x_escape_markdown*", "advise.render.renderer.x_as_markdown*",
            "advise.render.renderer.xǁRendererǁwords*", "advise.render.renderer.xǁRendererǁenvironment*")),
    # The whole module; its tests but the shipped rule base's (cases and invariant search:
    # about 9 s a mutant, for what the small rule bases of test_checks show one check at a time).
    Module("checks", "the checks of advise rules check", "src/advise/workbench/checks.py",
           ("tests/workbench/test_checks.py", "tests/workbench/test_checks_wording.py"),
           ("-k", "not the_shipped_rule_base_has_no_error")),
]

# mutmut's exit codes (mutmut.stats.status_by_exit_code), grouped as the report counts them.
KILLED = {1, 3, -11, -9, -6, 36, 24, -24, 152, 255}  # a failing test, a crash (-6: durable aborts), or a hang cut short
SURVIVED = {0}
NO_TESTS = {5, 33}

# Survivors that are equivalent: no input, caller or test could tell them from the original.
EQUIVALENT: dict[str, str] = {
    # output
    "advise.output.x__same_file__mutmut_1": "when either file is missing, samefile raises FileNotFoundError, "
                                            "caught as False: the original's result",
    **{f"advise.output.x__write_then_place__mutmut_{n}": "str(Path.parent) is never empty ('.' at least): "
                                                         "the condition is always true, the else never taken"
       for n in (3, 4, 5, 6)},
    **{key: "codec names are case-insensitive: 'UTF-8' is 'utf-8'"
       for key in ("advise.output.x__write_and_place__mutmut_35", "advise.output.x_write_new_file__mutmut_22")},
    "advise.output.x__write_and_place__mutmut_11": "None is as false as False where `clash` is tested",
    **{key: "newline=None writes '\\n' as os.linesep, which is '\\n' on POSIX, where advise runs"
       for key in ("advise.output.x__write_and_place__mutmut_27", "advise.output.x__write_and_place__mutmut_31",
                   "advise.output.x_write_new_file__mutmut_14", "advise.output.x_write_new_file__mutmut_18")},
    # sheet
    **{f"advise.sheet.facts.x__and__mutmut_{n}": "no section of the contract has exactly one required field "
                                                 "(business has 3, resources 2): the one-name branch never runs"
       for n in range(3, 9)},
    "advise.sheet.facts.x__key_hint__mutmut_4": "a key's parent is at most one section: the join has nothing to "
                                                "separate",
    **{f"advise.sheet.facts.x__key_hint__mutmut_{n}": "valid names have at most two parts: the last part is the "
                                                      "same however many times the name is split"
       for n in (16, 17, 19)},
    "advise.sheet.facts.x_check_open_choices__mutmut_11": "a rule base declares one open choice (business.sector): "
                                                          "nothing follows it in the loop",
    "advise.sheet.facts.x_check_open_choices__mutmut_19": "examples.get(None, None) is None: the same as the else",
    "advise.sheet.facts.xǁ_Validatorǁ_choice__mutmut_33": "examples.get(None, None) is None: the same as the else",
    "advise.sheet.facts.xǁ_Validatorǁsheet__mutmut_50": "the required fields of a section have two-part names, "
                                                        "whose [1] is their [-1]",
    "advise.sheet.facts.xǁ_Validatorǁsheet__mutmut_53": "for two-part names [:1] is [:-1]; the one top-level field "
                                                        "(objectives) matches no section either way",
    "advise.sheet.facts.xǁ_Validatorǁsheet__mutmut_58": "a section is required because it holds a required field: "
                                                        "`needed` is never empty",
    "advise.sheet.facts.xǁ_Validatorǁsheet__mutmut_120": "for two-part names [:1] is [:-1]; a missing objectives "
                                                         "has no line of its own and falls back to the sheet's, as "
                                                         "() does",
    "advise.sheet.facts.xǁ_Validatorǁ_number__mutmut_18": "every number of the contract has a range (the version "
                                                          "is checked apart): the default is never used",
    "advise.sheet.facts.xǁ_Validatorǁ_text__mutmut_48": "the one text field (business.name) has a length: the "
                                                        "default is never used",
    **{f"advise.sheet.facts.xǁ_Validatorǁ_list__mutmut_{n}": "None is falsy as False is: 'if not valid' reads "
                                                             "them alike"
       for n in (41, 54)},
    **{f"advise.sheet.facts.xǁ_Validatorǁ_list__mutmut_{n}": "the item's problem is reported either way, and any "
                                                             "problem refuses the whole sheet: the list is never "
                                                             "used"
       for n in (42, 55)},
    # compiler
    "advise.engine.compiler.x_bucket__mutmut_1": "a bucket of its own per fact (crc / 64, an exact float) instead "
                                                 "of one of 64: each fact still meets the same tests, and a node "
                                                 "they crowd is split by durable_limits.fit",
    "advise.engine.compiler.x_bucket__mutmut_5": "codec names are case-insensitive: 'UTF-8' is 'utf-8'",
    **{f"advise.engine.compiler.x__strongly_connected__mutmut_{n}": "Tarjan's indices are only compared with "
                                                                     "each other: any increasing numbering finds "
                                                                     "the same components"
       for n in (7, 17, 29)},
    "advise.engine.compiler.x__strongly_connected__mutmut_23": "None is falsy as False is: 'if advanced' reads "
                                                               "them alike",
    "advise.engine.compiler.x__strongly_connected__mutmut_65": "a lone rule without a self-loop has no edge inside "
                                                               "its component: _cycle_problems skips it, no read "
                                                               "in it",
    "advise.engine.compiler.x_computed_from__mutmut_15": "a fact waited for twice gets one alias (entries groups the "
                                                         "conditions of a fact) with the same 'present' test",
    **{f"advise.engine.compiler.x_computed_from__mutmut_{n}": "the operand and line of a 'present' condition are "
                                                              "read by nothing: fact_pattern adds no test for "
                                                              "'present', inference reads only its fact"
       for n in (19, 20)},
    **{f"advise.engine.compiler.x_computed_from__mutmut_{n}": "the operand and line of a 'present' condition are "
                                                              "read by nothing: fact_pattern adds no test for "
                                                              "'present', inference reads only its fact"
       for n in (24, 27)},
    **{f"advise.engine.compiler.x_compile_rulebook__mutmut_{n}": "an alias is a name of the rule's own: the "
                                                                 "catch-all joins alike under any name"
       for n in (32, 33, 41, 42, 56, 57)},
    **{f"advise.engine.compiler.x_compile_rulebook__mutmut_{n}": "the pattern still tests a property no fact has: "
                                                                 "the catch-all's join never completes either way"
       for n in (34, 35)},
    **{f"advise.engine.compiler.x_compile_rulebook__mutmut_{n}": "the catch-all's action never runs (its join waits "
                                                                 "for a fact never asserted): its name is never "
                                                                 "looked up"
       for n in (49, 50, 64, 65)},
    "advise.engine.compiler.x_compile_rulebook__mutmut_77": "durable_limits names only rules and their variants "
                                                            "(never a $catch-all): every name it locates is in "
                                                            "owner",
    "advise.engine.compiler.x_never_fire__mutmut_37": "every condition and conclusion read from a rule file "
                                                      "carries its line: the rule's own line is never needed",
    "advise.engine.compiler.x_stratify__mutmut_8": "a bound one higher lets a cycle rise one more stratum before "
                                                   "it is reported, with the same problems",
    "advise.engine.compiler.x_stratify__mutmut_11": "None is falsy as False is: 'while changed' reads them alike",
    "advise.engine.compiler.x_stratify__mutmut_27": "without a cycle a stratum is at most the number of rules, "
                                                    "below the bound: >= and > meet only cycles",
    **{f"advise.engine.compiler.x_stratify__mutmut_{n}": "the assert never fails (a stratum rises without end only "
                                                         "through a circle _cycle_problems finds): its text is "
                                                         "never shown"
       for n in (35, 36)},
    **{f"advise.engine.compiler.x__compile_rule__mutmut_{n}": "a rule with too many alternatives makes "
                                                              "compile_rulebook raise: the CompiledRule returned "
                                                              "with its problem is dropped"
       for n in (44, 45, 46)},
    "advise.output.x__current_umask__mutmut_3": "the mask set is put back at once: only the one read is used",
    **{f"advise.output.x__write_through__mutmut_{n}": "without O_NOCTTY: Linux gives a controlling terminal only to "
                                                      "an open that can read, and this one writes only (the terminal "
                                                      "test shows it: it fails with O_RDWR); BSD and macOS only "
                                                      "through TIOCSCTTY"
       for n in (8, 14, 15)},
    **{f"advise.output.x__write_through__mutmut_{n}": "without O_CLOEXEC: Python's os.open makes every descriptor "
                                                      "non-inheritable already (PEP 446, O_CLOEXEC where the system "
                                                      "has it)"
       for n in (17, 23, 24)},
    "advise.output.x__write_through__mutmut_6": "O_NOCTTY & O_CLOEXEC is 0: both flags dropped, each of which "
                                                "changes nothing here (see the two reasons above)",
    **{f"advise.output.x__write_through__mutmut_{n}": "getattr's default serves only where os lacks the flag; "
                                                      "Linux and macOS have O_NOCTTY and O_CLOEXEC"
       for n in (10, 13, 16, 19, 22, 25)},
    **{f"advise.output.x__write_through__mutmut_{n}": "newline=None writes '\\n' as os.linesep, which is '\\n' "
                                                      "on POSIX, where advise runs"
       for n in (29, 33)},
    "advise.output.x__write_through__mutmut_37": "codec names are case-insensitive: 'UTF-8' is 'utf-8'",
    # inference
    **{f"advise.engine.inference.x__lookup__mutmut_{n}": "unreachable: the reader refuses unknown names and the "
                                                         "compiler makes a rule wait for every derived fact it reads"
       for n in (15, 16, 17, 18, 19, 20)},
    # durable
    "advise.engine.durable.x__number__mutmut_14": "float's repr holds at most one 'e': partition and rpartition "
                                                  "split it alike",
    "advise.engine.durable.x__rule_shape_problems__mutmut_9": "the default pri is only checked against 0..65535, "
                                                              "which 0 and 1 both pass; durable reads its own",
    **{f"advise.engine.durable.x__to_json__mutmut_{n}": "None is falsy as False is: json.dumps reads them alike"
       for n in (3, 4)},
    "advise.engine.durable.xǁ_DurableJsonǁdumps__mutmut_5": "codec names are case-insensitive: 'UTF-8' is 'utf-8'",
    **{key: "durable runs actions only inside _call (no timer threads, edge 2), which sets the recorder first: "
            "its value between calls is never read"
       for key in ("advise.engine.durable.xǁEngineǁ__init____mutmut_38", "advise.engine.durable.xǁEngineǁ_call__mutmut_32")},
    **{f"advise.engine.durable.xǁEngineǁ__init____mutmut_{n}": "_ignore never reads its closure"
       for n in (42, 44)},
    **{f"advise.engine.durable.xǁEngineǁ__init____mutmut_{n}": "the closing rule's alias is read by nothing (its "
                                                               "action ignores the closure)"
       for n in (60, 61)},
    **{key: "_call and _Recorder both make {} of a missing `asserted`: either default alone does it"
       for key in ("advise.engine.durable.xǁEngineǁ_call__mutmut_4", "advise.engine.durable.xǁ_Recorderǁ__init____mutmut_10")},
    **{f"advise.engine.durable.xǁ_Recorderǁ__init____mutmut_{n}": "None is falsy as False is: the flag is only tested "
                                                                 "for truth"
       for n in (4, 6)},
    "advise.engine.durable.xǁEngineǁ_call__mutmut_33": "None is falsy as False is: the log filter reads them alike",
    **{f"advise.engine.durable.xǁSessionǁ__init____mutmut_{n}": "None is falsy as False is: the flag is only tested "
                                                                "for truth"
       for n in (3, 5, 7)},
    **{f"advise.engine.durable.xǁSessionǁclose__mutmut_{n}": "the closing fact is asserted once per sheet and "
                                                             "matched on 't': durable takes it without an id alike"
       for n in (10, 11)},
    # checks
    **{f"advise.workbench.checks.xǁ_SampleRunnerǁconflicts__mutmut_{n}": "the sample sheet's file name is never "
                                                                        "shown: a sample that fails counts as "
                                                                        "no confirmation"
       for n in (16, 18, 19, 20)},
    **{f"advise.workbench.checks.x__example__mutmut_{n}": "every name of an example is a fact of the rule book "
                                                         "(the reader refuses others): the else is never taken"
       for n in (8, 10)},
    "advise.workbench.checks.x__phrase__mutmut_3": "None is as false as False where Phrases.condition tests "
                                                   "with_label",
    "advise.workbench.checks.x__where__mutmut_2": "every rule read from a file has its line: the else is never taken",
    "advise.workbench.checks.x_check_rulebook__mutmut_8": "findings is empty before: = and += give the same list",
    "advise.workbench.checks.xǁ_SampleRunnerǁconflicts__mutmut_36": "broken only spares compiling again: with None "
                                                                   "a rule base that does not compile fails again "
                                                                   "the same way, and confirms nothing either",
    **{f"advise.workbench.checks.x__conclusion_key__mutmut_{n}": "a text constant is one of its fact's choices, and "
                                                                "the reader never takes a choice for a computation: "
                                                                "a computation's text never equals a constant of its "
                                                                "fact, so the tag never decides"
       for n in (5, 6, 7, 8, 9, 10, 11)},
    **{f"advise.workbench.checks.x__redundant__mutmut_{n}": "any conclusion of the rule serves as the first: a rule "
                                                           "concluding all of them is listed under each"
       for n in (15, 17)},
    **{f"advise.workbench.checks.x__redundant__mutmut_{n}": "each rule has a position of its own: equal orders mean "
                                                           "the rule itself, skipped above"
       for n in (51, 82)},
    **{f"advise.workbench.checks.x_check_rulebook__mutmut_{n}": "only whether cases_skipped is set shows: the text "
                                                               "output says it in its own words (check-cases-skipped)"
       for n in (66, 67)},
    **{f"advise.workbench.checks.x__sheet_label_lines__mutmut_{n}": "the vocabulary was read already (the rule "
                                                                   "book loaded): reading it again neither fails "
                                                                   "nor gives anything but a mapping"
       for n in (3, 8)},
    **{f"advise.workbench.checks.x__texts__mutmut_{n}": "the reader refuses a title or a because without both "
                                                       "languages, or empty: the default is never used"
       for n in (46, 48, 51, 53, 55, 58)},
    **{f"advise.workbench.checks.x__unused__mutmut_{n}": "the first concluder concludes a member, and every "
                                                        "conclusion read from a file has its line: next() always "
                                                        "finds one"
       for n in (103, 105)},
    "advise.workbench.checks.x__unused__mutmut_186": "the vocabulary makes a fact of every warning and "
                                                     "recommendation (warnings.x): fact is never None",
    "advise.workbench.checks.xǁ_SampleRunnerǁ__init____mutmut_3": "_engine is read only after _program is set, "
                                                                  "and both are set together",
    "advise.workbench.checks.xǁ_SampleRunnerǁ__init____mutmut_4": "None and False are both false where `broken` is "
                                                                  "tested",
    # escaping
    "advise.render.renderer.xǁRendererǁenvironment__mutmut_13": "Jinja's own wordwrap filter takes its place: the "
                                                                "same text (ours is only faster)",
    **{f"advise.render.renderer.xǁRendererǁenvironment__mutmut_{n}": "without the bytecode cache templates are "
                                                                      "compiled again: slower, the same text"
       for n in (27, 37)},
    **{f"advise.render.renderer.xǁRendererǁenvironment__mutmut_{n}": "select_autoescape's default is False "
                                                                      "already, and None is as false"
       for n in (43, 45)},
    **{f"advise.render.renderer.xǁRendererǁenvironment__mutmut_{n}": "select_autoescape lowercases the "
                                                                      "extensions and the template names it matches"
       for n in (47, 49)},
    "advise.engine.inference.x__merge__mutmut_9": "every fact durable binds with a name is bound to one of the "
                                                  "rule's aliases (the stage fact has no name)",
    "advise.engine.inference.x__normalise__mutmut_9": "None and False are both false: `if not ok` is the same test",
    "advise.engine.inference.x__show__mutmut_12": "repr and str write numbers and truth values alike "
                                                  "(lists are handled above)",
    "advise.engine.inference.x_infer__mutmut_111": "a firing rebuilt with no overruled facts equals the original",
    "advise.engine.inference.x_infer__mutmut_110": "a firing rebuilt with no overruled facts equals the original",
    "advise.engine.inference.x_infer__mutmut_34": "strata[0] is the sheet: no rule waits for stage 0 (each waits for "
                                                  "its own stage by equality) and no concluded fact has level 0, so "
                                                  "defaults_at[0] is empty: a stage-0 round fires and asserts nothing",
    "advise.engine.inference.x_infer__mutmut_31": "stratum 0 is the sheet and holds no rule: its stage fact fires "
                                                  "nothing",
    "advise.engine.inference.x_resolve__mutmut_14": "every addend is already rounded to 6 places (_normalise): "
                                                    "their float sum rounds alike to 6 or 7",
    **{f"advise.engine.inference.x_conclude__mutmut_{n}": "Problem.message falls back to English for a language it "
                                                          "lacks, and the run-time errors of expressions have no "
                                                          "translated parameter: it is message('en')"
       for n in (39, 40, 41)},
}

# What bench/mutation.md says of a module besides its survivors: its scope, what is left out.
NOTES: dict[str, str] = {
    "durable": "Tests: test_durable, test_durable_reports, test_durable_limits (but the 2000-rule test: 40 s a "
               "mutant, a size limit the compiler's run covers) and test_hostile_numbers (edge 15); about 10 minutes "
               "with one process. A mutant that makes durable abort the process (-6, edge 13) counts as killed. In the "
               "last full run (on a machine at load 8 to 9) 80 mutants ended in a segfault; each was run again alone "
               "(mutmut run with their names): 54 were then killed by a failing test or survived (as equivalent), "
               "the 26 left crash durable every time (numbers written with an exponent, error 204; sheets whose "
               "state is never deleted), and count as killed. Dead "
               "code the runs showed was removed: the walk into nested groups in _bound_facts (durable's message "
               "maps every alias, nested groups included, to its fact; a matched fact without 't' or 'id' used to "
               "lose its binding, now kept), the check of the state's 'exception' after each call (advise's actions "
               "catch everything, so durable never sets it: one call to durable less per batch), the 'E' of "
               "_rewrite (json.dumps writes a lowercase 'e'), the unused ensure_ascii of _DurableJson.dumps, the "
               "cycle error's fallback when no rule fired. A TypeError or ValueError of durable's own, every fact "
               "encoding, is now an engine failure in its words rather than blamed on the batch's first fact; rules "
               "with 'count' or 'cap' are refused (their firings bind no alias). Left not killed: x__number__mutmut_3 "
               "writes 2**63 as an integer, which durable reads saturated to 2**63-1: no comparison finds the "
               "original right and the mutant wrong (both approximate there, the mutant nearer against integer "
               "constants just below 2**63), so no honest test kills it, and it is not equivalent either.",
    "escaping": "Tests: the whole of test_renderer (goldens included) but the headless-browser test.",
    "checks": "The whole module. Tests: test_checks (but the shipped rule base's test: about 9 s a mutant for its "
              "cases and invariant search, where the small rule bases show each check one at a time) and "
              "test_checks_wording (every finding word for word and place for place, in both languages). The first "
              "run (1169 mutants, 72.7 %) showed dead code, removed (_cycles' A001 branch: stratify raises only for "
              "circles; an unused confirm flag of _conflicts; lists in _conclusion_key, which the reader makes "
              "tuples; an unused parameter of _redundant), and a bug, fixed: the French message of a possible "
              "conflict (A203) gave its example in English ('score is absent', 'any sheet'). The second run measured "
              "the module as it is; its 4 survivors not equivalent (_unused) are killed by a new test (the "
              "survivors' run).",
    "inference": "Measured again after the survivors of an earlier run were answered (tests of the reasons of "
                 "a failed computation, of every derivation naming its fact, of an overruled rule keeping its "
                 "premises, of the words of a result of the wrong type; one showed a puzzling message, fixed: a "
                 "count given 1.33 'expects a number', now 'a whole number'). The run below measured the module "
                 "after this session's speed changes (only the facts a pattern tests go to durable; defaults and "
                 "negated facts computed once per rule base). Its 2 survivors not equivalent (_normalise 48 and "
                 "57: which kind of number a wrong result is said to expect) are killed by a new test, checked by "
                 "hand (the mutation applied, the test fails).",
    "output": "The flags of a report written through (a terminal, a pipe) were tried on a private pty pair: "
              "a session leader that opens its terminal for reading and writing without O_NOCTTY takes it as its "
              "controlling terminal; opened write-only, as here, it never does (test_output's terminal test, which "
              "fails with O_RDWR). O_CLOEXEC is Python's own default (PEP 446). The run below measured the module "
              "after the batch workers' stop was added (d6a4f9a): its survivors (the temporary file recorded while "
              "it exists, private, named at random, a name another file holds left alone, a hundred taken names, "
              "the status of a write refused at the end, remove_temporaries, which no test of the module reached) "
              "are killed by new tests of test_output (the survivors' run). remove_temporaries' default wait (2 s, "
              "not 3) shows only as time: no test, since tests are never timed.",
}

# Functions that run only while their module is imported (building a module-level table):
# mutmut switches mutants on inside code that is already imported, so their mutants never
# run and "survive" whatever the tests. They are listed apart and left out of the score.
IMPORT_TIME: dict[str, str] = {
    "advise.sheet.facts.x__flag": "builds SHEET_FIELDS at import (a wrong default shows in test_facts' defaults)",
    "advise.sheet.facts.x__platform_list": "builds SHEET_FIELDS at import (platform choices are tested in test_facts)",
}


def _import_time(key: str) -> bool:
    return key.split("__mutmut_")[0] in IMPORT_TIME


def _patched(module: Module) -> str:
    """The module's source as its copy holds it: the project's, with the module's patches."""
    text = (ROOT / module.source).read_text(encoding="utf-8")
    for old, new in module.patches:
        if old not in text:
            sys.exit(f"{module.source} changed: update the patch of module {module.name} in {__file__}")
        text = text.replace(old, new)
    return text


def prepare(module: Module, *, again: bool = False) -> Path:
    """A fresh copy of the project for `module`; with `again`, everything but the mutated
    module is refreshed (its tests, and the code and data they use, may have changed), so
    its mutants and their results stay."""
    folder = WORK / module.name
    if folder.exists() and not again:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mutated = folder / module.source
    kept = (mutated.read_bytes(), mutated.stat()) if again else None
    for name in COPIED:
        source = ROOT / name
        # mutmut copies src/ into mutants/ on each run (all but the mutated module), and the
        # folders of `also_copy`; the tests and the configuration are refreshed here.
        mirrored = again and name in ("tests", "pyproject.toml")
        for target in ([folder / name, folder / "mutants" / name] if mirrored else [folder / name]):
            if target.is_dir():
                shutil.rmtree(target)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.exists() and target.parent.exists():
                shutil.copy(source, target)
    if kept:  # as it was, with its time: mutmut then keeps its mutants and their results
        mutated.write_bytes(kept[0])
        os.utime(mutated, ns=(kept[1].st_atime_ns, kept[1].st_mtime_ns))
    else:
        mutated.write_text(_patched(module), encoding="utf-8")
    config = {
        "source_paths": ["src/"],
        "only_mutate": [module.source],
        "pytest_add_cli_args_test_selection": list(module.tests),
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q", "-x", *module.pytest_args],
        "also_copy": [name for name in COPIED if name not in ("src", "tests", "pyproject.toml")],
        "use_git_change_detection": False,
    }
    for pyproject_path in (folder / "pyproject.toml", folder / "mutants" / "pyproject.toml"):
        if not pyproject_path.parent.exists():
            continue
        with open(pyproject_path, "a", encoding="utf-8") as pyproject:
            pyproject.write("\n[tool.mutmut]\n")
            for key, value in config.items():
                pyproject.write(f"{key} = {json.dumps(value)}\n")
    return folder


def run(module: Module, *, survivors_only: bool = False) -> float:
    """mutmut on `module`; with `survivors_only`, again on the mutants that survived the last
    run, with the tests as they are now (after a new test was written for them)."""
    names = list(module.mutants)
    if survivors_only and _source_changed(module):
        # Its mutants were made from the old code: they must be made again, and all run.
        print(f"{module.name}: {module.source} changed since its last run; every mutant runs again", flush=True)
        survivors_only = False
    if survivors_only:
        codes = results(module) or {}
        names = [key for key, code in codes.items() if code in SURVIVED or code in NO_TESTS or code is None]
        if not names:
            return 0.0
    folder = prepare(module, again=survivors_only)
    env = dict(os.environ, ADVISE_CACHE_DIR=str(folder / "cache"), PYTHONDONTWRITEBYTECODE="1")
    env.pop("CI", None)
    started, loads = time.monotonic(), [os.getloadavg()[0]]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(folder / "mutmut.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(["nice", "-n", "10", str(MUTMUT), "run", "--max-children", "1", *names],
                                   cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        while process.poll() is None:  # the load while it runs: a loaded machine makes mutants time out
            time.sleep(5)
            loads.append(os.getloadavg()[0])
    seconds = time.monotonic() - started
    (folder / "seconds").write_text(f"{seconds:.0f}\n")
    record_run(folder, {"date": date, "machine": MACHINE, "load": [min(loads), max(loads)],
                        "minutes": round(seconds / 60, 1), "mutants": len(names) if survivors_only else "all",
                        "survivors_only": survivors_only})
    return seconds


# The machine a run happened on, as bench/mutation.md states it next to each module's score.
MACHINE = f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def record_run(folder: Path, run_facts: dict) -> None:
    """Appends one run to the module's history (a full run starts the history anew)."""
    path = folder / "runs.json"
    history = json.loads(path.read_text(encoding="utf-8")) if path.exists() and run_facts["survivors_only"] else []
    path.write_text(json.dumps(history + [run_facts], indent=1) + "\n", encoding="utf-8")


def describe_runs(module: Module) -> str:
    path = WORK / module.name / "runs.json"
    if not path.exists():
        return "when and where it ran was not recorded"
    described = []
    for run_facts in json.loads(path.read_text(encoding="utf-8")):
        low, high = run_facts["load"]
        load = f"load {low:.1f} to {high:.1f}" if isinstance(low, (int, float)) else f"load {low}"
        what = (f"the {run_facts['mutants']} survivors run again" if run_facts["survivors_only"]
                else "every mutant")
        described.append(f"{what} on {run_facts['date']} ({run_facts['machine']}; {load}; "
                         f"{run_facts['minutes']} min)")
    return "; then ".join(described)


def _source_changed(module: Module) -> bool:
    """Was the mutated module changed since its mutants were made?"""
    copy = WORK / module.name / module.source
    return not copy.exists() or copy.read_text(encoding="utf-8") != _patched(module)


def results(module: Module) -> dict[str, int | None] | None:
    meta = WORK / module.name / "mutants" / (module.source + ".meta")
    if not meta.exists():
        return None
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    if module.mutants:
        import fnmatch

        codes = {key: code for key, code in codes.items()
                 if any(fnmatch.fnmatchcase(key, pattern) for pattern in module.mutants)}
    return codes


def diff(module: Module, key: str) -> str:
    """The mutant's changed lines, from mutmut's own copy of the mutated module."""
    folder = WORK / module.name
    previous = os.getcwd()
    shown = ""
    try:
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        os.chdir(folder)
        for path in (Path(module.source), Path("mutants") / module.source):  # mutmut versions differ
            try:
                shown = get_diff_for_mutant(key, path=path)
                break
            except Exception:  # noqa: BLE001 - the other path; `mutmut show` takes minutes a mutant
                continue
    except ImportError:
        shown = "(mutmut is not installed: no diff)"
    finally:
        os.chdir(previous)
    lines = [line for line in shown.splitlines() if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    return " / ".join(" ".join(line.split()) for line in lines)[:300].replace("`", "'")


def report(selected: list[Module]) -> str:
    out = ["# Mutation testing of the core", "",
           "What `bench/mutation.py` found (mutmut, one copy of the project per module, only the test",
           "files that concern it). A mutant is *killed* when a test fails (or the run crashes or hangs);",
           "*equivalent* when no input could tell it from the original (the reason is given); the score",
           "is killed / (mutants - equivalent). Mutants of code that runs only at import are left out",
           "(mutmut cannot run them; listed per module). Regenerate with `python bench/mutation.py`.", "",
           "| module | part of the core | mutants | killed | equivalent | not killed | no test reaches | score |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    details = []
    for module in selected:
        codes = results(module)
        if not codes:
            out.append(f"| {module.name} | {module.what} | not run | | | | | |")
            continue
        killed = sorted(key for key, code in codes.items() if code in KILLED)
        survivors = sorted(key for key, code in codes.items() if code in SURVIVED or code in NO_TESTS)
        unchecked = sorted(key for key, code in codes.items()
                           if code not in KILLED and code not in SURVIVED and code not in NO_TESTS)
        at_import = [key for key in survivors if _import_time(key)]
        survivors = [key for key in survivors if not _import_time(key)]
        equivalent = [key for key in survivors if key in EQUIVALENT]
        alive = [key for key in survivors if key not in EQUIVALENT]
        untested = [key for key in alive if codes[key] in NO_TESTS]
        counted = len(codes) - len(equivalent) - len(unchecked) - len(at_import)
        score = f"{100 * len(killed) / counted:.1f} %" if counted else "-"
        out.append(f"| {module.name} | {module.what} | {counted + len(equivalent)} | {len(killed)} | "
                   f"{len(equivalent)} | {len(alive)} | {len(untested)} | {score} |")
        details += ["", f"## {module.name}: `{module.source}`", "", f"Runs: {describe_runs(module)}.", ""]
        if module.name in NOTES:
            details += [NOTES[module.name], ""]
        if survivors or unchecked or at_import:
            for key in alive:
                why = "no test reaches it" if key in untested else "not killed"
                details.append(f"- **{why}** `{key}`: `{diff(module, key)}`")
            for key in equivalent:
                details.append(f"- equivalent `{key}`: {EQUIVALENT[key]}")
            if unchecked:
                details.append(f"- {len(unchecked)} mutants not run to the end (the run was stopped, or mutmut "
                               f"gave up on them): left out of the score")
            for function in sorted({key.split("__mutmut_")[0] for key in at_import}):
                count = sum(key.startswith(function + "__mutmut_") for key in at_import)
                details.append(f"- {count} mutants of `{function}`, run only at import (not counted): "
                               f"{IMPORT_TIME[function]}")
    return "\n".join(out + details) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to run (default: all): "
                        + ", ".join(module.name for module in MODULES))
    parser.add_argument("--jobs", type=int, default=2, help="modules at once (default 2)")
    parser.add_argument("--report-only", action="store_true", help="write bench/mutation.md from the last runs")
    parser.add_argument("--survivors", action="store_true",
                        help="run again only the mutants that survived the last run, with today's tests")
    args = parser.parse_args()
    unknown = set(args.modules) - {module.name for module in MODULES}
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    selected = [module for module in MODULES if not args.modules or module.name in args.modules]
    if not args.report_only:
        if not MUTMUT.exists():
            sys.exit(f"{MUTMUT} is missing: pip install -e '.[mutation]'")
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for module, seconds in zip(selected, pool.map(lambda module: run(module, survivors_only=args.survivors),
                                                          selected)):
                print(f"{module.name}: {seconds / 60:.1f} min", flush=True)
    (ROOT / "bench" / "mutation.md").write_text(report(MODULES), encoding="utf-8")
    print(f"wrote {ROOT / 'bench' / 'mutation.md'}")


if __name__ == "__main__":
    main()
