"""The durable_rules adapter: the only module that imports durable.

advise drives durable's C engine (`durable_rules_engine`, part of durable_rules) itself, as
durable's Python layer (`durable.engine`: Host, Ruleset) drives it, making the same calls
in the same order: that layer is never imported. It would bring in Python's logging (3 to
4 ms of every `advise facts.yaml`), and what it adds on top of the C engine (timer and
dispatch threads, asynchronous actions, a log) is what the edges below work around.

durable_rules 2.0.28 has sharp edges (../shared/reference/durable-rules.md); each is
handled here, and tests/engine/test_durable.py shows each one:

1. Exceptions raised in actions are swallowed: every action is wrapped, what it raises is
   kept and raised after the call, with the rule id.
2. Each Host starts timer threads that lose firings and can crash: advise makes no Host
   (`_Host` registers the ruleset in the C engine itself), so no thread is started and
   everything runs synchronously on the caller's thread.
3. Inequalities against another fact inside $and/$or read past an array (segfault):
   `check_definition` (durable_shapes.py) refuses any comparison whose operand is not a constant.
4. Negation is decided when a fact arrives: the compiler stratifies (see compiler.py);
   here facts are asserted in the order given, which the caller makes canonical.
5. Firing order follows assertion order: same here, same canonical order.
6. A fact that no rule matches raises MessageNotHandled: the compiler adds catch-all
   rules; their firings are not reported.
7. An identical fact asserted twice raises MessageObserved: facts carry unique ids.
8. `pri` is unsigned: `check_definition` refuses negative or huge values.
9. Loose patterns re-fire on the engine's own state: `check_definition` requires every
   pattern to start with a positive test on a domain property, and a firing bound stops
   a runaway rule with its id.
10. Actions see matched facts as Content objects: advise reads them, as plain data, from the
    firing's message, which maps every alias (nested groups included) to its fact.
11. Registration deletes `run` keys: the Engine registers its own copy of the definition
    (made once, `_plain_copy`), whose `run` keys `_Host` takes out, as durable's does.
12. An action running over 10 s ends processing (in durable's own action loop, which advise
    does not use: edge 16): actions only record the firing; all computation happens after
    the call, in advise.engine.inference.
13. Deleting the state of a sheet for which durable never ran an action (no rule fired, or
    every fact was refused) crashes the process: before deleting such a state, the
    session asserts one fact that only the engine's own rule matches.
14. durable logs a traceback for errors it also returns: the logging is all in its Python
    layer, which advise does not use (nothing of durable logs while advise runs; a program
    using durable.engine beside advise keeps its own log).
15. durable's JSON reader refuses a number written with an exponent but no decimal point
    (`1e-05`, `1e+16`: error 204, which Python's `repr` writes) and reads integers as
    64 bits; inside a batch, a refused fact is dropped without a word. Every definition
    and fact goes to durable through `durable_json.to_json`, which writes such numbers as
    `1.0e-05` (read exactly) and an integer beyond 64 bits as a float. durable drops a
    refused fact and every one after it: every batch ends with a fact that only the
    engine's own rule (END_RULE, fired last) matches, so its firing shows that durable
    took the whole batch; or, for an Engine given an `end_type`, with a fact of that type
    (the inference's stage facts), which its own LAST_RULE matches, fired last, in place of
    one more fact to assert and retract. When neither fired, the sheet's state is read back (which
    costs more than the rest of a batch) and a fact durable refused is an internal error
    naming it.
    Firings hand back the facts as advise asserted them, never as durable re-wrote them.
16. durable's Python loop around its C engine costs more than the engine: per firing a
    Closure, three readings of the clock, and the sheet's state decoded and encoded again.
    `_Host.assert_facts` makes the same calls into the C engine (`durable_rules_engine`,
    part of durable) in the same order, and nothing else; but update_state, which only
    retracts and re-asserts the unchanged state fact, when no pattern could match that fact.
17. durable compares an integer with a float as two doubles: past 2**53 (9,007,199,254,740,992)
    an integer and a float that differ can compare equal (9,999,999,999,999,999 equals 1e16
    for durable, not for Python). Two integers compare exactly within 64 bits, two floats
    exactly, and an integer with a float exactly up to 2**53. Only a rule constant written
    as a float past 2**53 could be met wrongly (by a budget of that size): none is shipped.
Limits: at most 1024 live sheets per ruleset: no session leaves its state. It retracts every
fact it asserted, the last first, for the next session (making a state touches some 3 MB);
a state a call left in doubt, or not as new after, is deleted. Python 3.13 needs CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject at install
(scripts/setup.sh).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from typing import Any, Callable, Hashable, Iterator

import durable_rules_engine as _rules_engine

from ..collecting import keep_large_blocks
from ..errors import CycleError, EngineError, Problem, RuleRunError, register_messages
from ..kept import TwoGenerations
from ..records import Record
from .durable_json import Batch as _Batch, batch_text, read as _read, to_json as _to_json

register_messages({
    "engine-failed": {"en": "the rule engine failed: {reason}", "fr": "le moteur de règles a échoué : {reason}"},
    "engine-action-failed": {
        "en": "the rule failed while firing: {reason}",
        "fr": "la règle a échoué en s'appliquant : {reason}",
    },
    "engine-firing-bound": {
        "en": "rules kept firing past the bound of {bound} firings for one sheet (a cycle); most frequent: {rules}",
        "fr": "des règles se sont appliquées plus de {bound} fois pour une seule fiche (un cycle) ; les plus fréquentes : {rules}",
    },
    "engine-bad-definition": {
        "en": "the compiled ruleset has a shape the engine cannot run safely: {reason}",
        "fr": "le jeu de règles compilé a une forme que le moteur ne peut exécuter sans risque : {reason}",
    },
    "engine-fact-refused": {
        "en": "the rule engine refused the fact '{fact}' ({value}): {reason}",
        "fr": "le moteur de règles a refusé le fait « {fact} » ({value}) : {reason}",
    },
})

IGNORE_ACTION = "$ignore"
CLOSE_RULE = "$advise-close"  # the engine's own rule, matching the fact a session closes with
END_RULE = "$advise-end"  # the engine's own rule, matching the fact that ends every batch (edge 15)
LAST_RULE = "$advise-end-last"  # the engine's own rule, matching the facts of its `end_type` (edge 15)
OWN_PRI = 65535  # the engine's own rules' priority, the lowest there is (durable_shapes.MAX_PRI): they fire last
KEPT_TEXTS = 512  # keyed facts' texts an engine keeps, in each of two generations (durable_json.batch_text; see compiler.KEPT_FACTS)
_session_ids = itertools.count(1)


class Activation(Record):
    """One firing as durable reported it: the rule and the facts bound to its aliases."""

    def __init__(self, rule: str, bindings: dict[str, dict[str, Any]]) -> None:
        self.__dict__.update(rule=rule, bindings=bindings)


def _plain_copy(definition: dict) -> dict:
    """A copy of a definition that registration may alter: durable deletes the `run` key of
    each rule and nothing else (edge 11), so each rule's mapping is copied, not what it holds
    (a deep copy cost a millisecond of every start)."""
    return {ruleset: {rule_id: dict(body) for rule_id, body in rules.items()}
            for ruleset, rules in definition.items()}


def _registered(definition: dict[str, dict], end_type: str | None = None) -> dict[str, dict]:
    """The definition as an Engine registers it: a copy (durable deletes its `run` keys, edge
    11) with the engine's own rules (LAST_RULE only with an `end_type`)."""
    registered = _plain_copy(definition)
    rules = registered[next(iter(registered))]
    rules[CLOSE_RULE] = {"all": [{"m": {"t": CLOSE_RULE}}], "run": CLOSE_RULE}
    # Last of every firing (pri), so that it never comes between two of the rule base's.
    rules[END_RULE] = {"all": [{"m": {"t": END_RULE}}], "pri": OWN_PRI, "run": END_RULE}
    if end_type is not None:
        rules[LAST_RULE] = {"all": [{"m": {"t": end_type}}], "pri": OWN_PRI, "run": LAST_RULE}
    return registered


def registration_text(definition: dict[str, dict], end_type: str | None = None) -> str:
    """The JSON text durable makes of `definition` when an Engine registers it (its rules
    as `_registered` gives them, each without its `run` key, which durable deletes first),
    to be kept and handed to a later Engine (`text`)."""
    rules = next(iter(_registered(definition, end_type).values()))
    return _to_json({rule_id: {key: value for key, value in body.items() if key != "run"}
                     for rule_id, body in rules.items()})


class _Firing:
    """What an action is handed: the firing's message (alias -> fact, as durable wrote it),
    and a way to ask for the sheet's state to be deleted once the action completed."""

    __slots__ = ("_m", "deleted")

    def __init__(self, message: dict[str, dict]) -> None:
        self._m = message
        self.deleted = False

    def delete_state(self) -> None:
        self.deleted = True


class _Refused(Exception):
    """What durable.engine raises for a batch its C engine would not take (result codes 1 and
    2: MessageNotHandledException, MessageObservedException), in its words (`message`)."""

    def __init__(self, words: str, text: str) -> None:
        super().__init__()
        self.message = f"{words}: {text}"


def _offset(result: Any, text: str) -> int:
    """The state's offset in a result of the C engine's assert_facts for the batch `text`, or
    what durable.engine's Ruleset._handle_result raises for it."""
    code = result[0]
    if code == 1:
        raise _Refused("Could not handle message", text)
    if code == 2:
        raise _Refused("Message has already been observed", text)
    return 0 if code == 3 else result[1]


def _sid(sid: Any) -> str | None:
    return None if sid is None else str(sid)  # as durable.engine hands it to its C engine


class _Host:
    """What advise asks of durable's Host, over its C engine alone (see the module docstring):
    the rulesets registered (their `run` keys taken out, edge 11), each rule's action from
    our table, and durable's action loop run here (`assert_facts`); no thread (edge 2)."""

    def __init__(self, definition: dict, actions: dict[str, Callable], text: str | None = None):
        """`definition`: a copy of its own, whose `run` keys are deleted (edge 11). `text`: the
        JSON text of its one ruleset, written before (`registration_text`), registered as it is."""
        self._handles: dict[str, Any] = {}
        self._state_matched = {name: _state_fact_may_match(rules) for name, rules in definition.items()}
        # durable rule name -> the function its action runs (every action of advise is synchronous)
        self._run_by_rule: dict[str, dict[str, Callable]] = {}
        for name, rules in definition.items():
            self._run_by_rule[name] = {rule_id: actions[body.pop("run")] for rule_id, body in rules.items()}
            self._handles[name] = _rules_engine.create_ruleset(name, text if text is not None else _to_json(rules))

    def assert_facts(self, ruleset_name: str, facts: list[dict]) -> None:
        """durable's Host.assert_facts and action loop (Ruleset.do_actions, _flush_actions),
        making the same calls into its C engine in the same order, without what only its
        threads and asynchronous actions need (edge 16): no Closure, clock or lease per
        action, and the state it hands each action goes back to it as it came (no action of
        advise changes it), not decoded and encoded again; nor at all when no pattern can match
        it (`_state_fact_may_match`). The firing of the batch's end is known by its text."""
        handle = self._handles[ruleset_name]
        run_by_rule = self._run_by_rule[ruleset_name]
        engine = _rules_engine
        update_state = engine.update_state if self._state_matched[ruleset_name] else None
        complete_and_start = engine.complete_and_start_action
        if facts.__class__ is _Batch:
            text, end = facts.text, facts.end
        else:
            text, end = _to_json(facts), None
        state_offset = _offset(engine.assert_facts(handle, text), text)
        started = engine.start_action_for_state(handle, state_offset)
        if not started:
            return
        state, following = started[0], started[1]
        while following:
            if following == end:  # the last firing of a batch durable took whole (edge 15)
                rule_name, bound = END_RULE, {}
            else:
                for rule_name, bound in _read(following).items():  # one firing per message
                    break
            firing = _Firing(bound)
            try:
                run_by_rule[rule_name](firing)  # advise's actions keep what they raise (edge 1)
                if update_state is not None:
                    update_state(handle, state)
                following = complete_and_start(handle, state_offset)
            except BaseException:
                engine.abandon_action(handle, state_offset)
                raise
            finally:
                if firing.deleted:
                    with contextlib.suppress(Exception):
                        engine.delete_state(handle, _sid(_read(state)["sid"]))
                    update_state = engine.update_state  # which makes the state anew: the loop goes on with it

    def retract_all(self, ruleset_name: str, sid: str, text: str) -> bool:
        """Retract the facts `text` from the sheet `sid`: whether none is left, nor any action."""
        handle, engine = self._handles[ruleset_name], _rules_engine
        result = engine.retract_facts(handle, text)
        if result[0] != 0 or engine.start_action_for_state(handle, result[1]):
            return False  # the state is deleted, its pending action with it
        return engine.get_facts(handle, _sid(sid)) == "[]"

    def get_facts(self, ruleset_name: str, sid: Any) -> list[dict]:
        return json.loads(_rules_engine.get_facts(self._handles[ruleset_name], _sid(sid)))

    def delete_state(self, ruleset_name: str, sid: Any) -> None:
        _rules_engine.delete_state(self._handles[ruleset_name], _sid(sid))


def _state_fact_may_match(rules: dict[str, dict]) -> bool:
    """Whether a pattern may match the state fact ({"sid", "id", "$s"}), which update_state
    re-asserts: not when each first tests "t" (which it has not), as advise's all do."""
    def typed(alias: str, pattern: Any) -> bool:
        if alias.endswith(("$any", "$all")):
            return all(typed(inner_alias, inner) for entry in pattern for inner_alias, inner in entry.items())
        first = pattern["$and"][0] if isinstance(pattern, dict) and "$and" in pattern else pattern
        return isinstance(first, dict) and len(first) == 1 and isinstance(first.get("t"), str)

    return not all(typed(alias, pattern) for body in rules.values() for key in ("all", "any")
                   for entry in body.get(key, []) for alias, pattern in entry.items())


class _Recorder:
    """Collects the firings of one call, and anything an action raised."""

    __slots__ = ("activations", "errors", "counts", "fired", "stopped", "acted", "asserted", "refused", "ended",
                 "parts", "last")

    def __init__(self, asserted: dict[str, dict] | None = None) -> None:
        self.activations: list[Activation] = []
        self.errors: list[tuple[str, BaseException]] = []
        self.counts: dict[str, int] = {}  # rule -> its firings
        self.fired = 0  # firings in all (the sum of counts)
        self.stopped = False
        self.acted = False  # some action ran, ours or an ignored one
        self.asserted = asserted if asserted is not None else {}  # id -> the fact as advise asserted it
        self.refused: tuple[dict, BaseException] | None = None  # a fact durable would not take, and why
        self.ended = False  # durable reached the fact that ends the batch: it took every fact before it
        self.parts: list[str] | None = None  # the text of each fact of the batch, its end included
        self.last: str | None = None  # the id of the batch's last fact, when its type ends the batch (end_type)


class Engine:
    """A compiled ruleset registered in its own Host. Reusable for many sheets, one at a time."""

    def __init__(self, definition: dict[str, dict], *, firing_bound: int | None = None, check: bool = True,
                 text: str | None = None, end_type: str | None = None):
        """`text`: `registration_text(definition, end_type)`, kept from an earlier process (advise's
        cache keeps it with the rule base), so that registering does not write it again.
        `end_type`: the type ("t") of the facts that may end a batch: a batch whose last fact
        has it needs no end fact of its own (edge 15)."""
        if len(definition) != 1:
            raise EngineError(Problem("engine-bad-definition", {"reason": "exactly one ruleset expected"}))
        if check:
            check_definition(definition)
        self.ruleset = next(iter(definition))
        rules = definition[self.ruleset]
        for own in (CLOSE_RULE, END_RULE, LAST_RULE):
            if own in rules:
                raise EngineError(Problem("engine-bad-definition", {"reason": f"'{own}' is the engine's own rule"}))
        self.firing_bound = firing_bound if firing_bound is not None else 10 * len(rules) + 100
        self._recorder: _Recorder | None = None
        self._lock = threading.Lock()
        self._batch_ends = itertools.count(1)
        self._texts: TwoGenerations[str] = TwoGenerations(KEPT_TEXTS)  # a keyed fact's JSON text, without the sheet's id (batch_text)
        self._tail = ("", "")  # the last sheet's id, and what follows each of its facts in a batch
        self._free: list[str] = []  # sheets' ids whose state is as new (cleared) or was never made
        self.end_type = end_type
        actions = {IGNORE_ACTION: self._ignore, CLOSE_RULE: self._ignore, END_RULE: self._batch_end,
                   LAST_RULE: self._batch_last}
        for rule_id, body in rules.items():
            if body.get("run") != IGNORE_ACTION:
                actions[body["run"]] = self._action_for(body["run"])
        try:
            self._host = _Host(_registered(definition, end_type), actions, text)
        except Exception as error:  # durable's registration errors (codes 1xx)
            raise EngineError(Problem("engine-failed", {"reason": _durable_message(error)})) from None
        keep_large_blocks()

    def _ignore(self, closure: Any) -> None:
        if self._recorder is not None:
            self._recorder.acted = True

    def _batch_end(self, closure: Any) -> None:
        if self._recorder is not None:
            self._recorder.acted = True
            self._recorder.ended = True

    def _batch_last(self, closure: Any) -> None:
        """LAST_RULE fired on a fact of the end type: the batch's end when it is its last fact
        (the loop knows that firing by its text, and runs _batch_end for it, without this)."""
        recorder = self._recorder
        if recorder is not None:
            recorder.acted = True
            if recorder.last is not None and str(closure._m.get("m", {}).get("id")) == recorder.last:
                recorder.ended = True

    def _action_for(self, rule_id: str) -> Callable:
        def action(closure: Any) -> None:
            recorder = self._recorder
            if recorder is None or recorder.stopped:
                return
            recorder.acted = True
            try:
                counts = recorder.counts
                counts[rule_id] = counts.get(rule_id, 0) + 1
                recorder.fired += 1
                if recorder.fired > self.firing_bound:
                    recorder.stopped = True
                    closure.delete_state()  # ends durable's own re-triggering for this sheet
                    return
                asserted = recorder.asserted  # the facts as the session was given them
                bindings = {alias: asserted.get(matched.get("id")) or matched for alias, matched in _bound_facts(closure)}
                recorder.activations.append(Activation(rule_id, bindings))
            except BaseException as error:  # edge 1: never let durable swallow it
                recorder.errors.append((rule_id, error))
                if not isinstance(error, Exception):  # Ctrl-C: stop here, re-raised after the call
                    recorder.stopped = True
                    closure.delete_state()

        return action

    def _call(self, sid: str, facts: list[dict], asserted: dict[str, dict] | None = None,
              keys: list[Hashable | None] | None = None) -> tuple[_Recorder, BaseException | None]:
        """Assert facts for one sheet, on this thread; what durable raised is returned, not raised.

        In a batch, durable drops a fact it refuses, and every fact after it, without a word
        (edge 15): every batch ends with a fact that only the engine's own rule matches; when
        it did not fire, the sheet's state is read to name the first fact of the batch missing.
        `asserted`: the session's facts by id, which firings hand back (and this call adds to);
        `keys`: see Session.assert_facts."""
        with self._lock:
            recorder = _Recorder(asserted=asserted if asserted is not None else {})
            self._recorder = recorder
            failure = None
            asserted = recorder.asserted
            for fact in facts:
                if "id" in fact:
                    asserted[str(fact["id"])] = fact
            try:
                if sid != self._tail[0]:
                    self._tail = (sid, ', "sid": ' + _to_json(sid) + "}")
                last = facts[-1]
                if self.end_type is not None and last.get("t") == self.end_type and "id" in last:
                    recorder.last = str(last["id"])  # it ends the batch: LAST_RULE's firing on it
                    end: tuple[str, str] | str = LAST_RULE
                else:
                    end = (f"{END_RULE}:{next(self._batch_ends)}", END_RULE)
                batch = batch_text(facts, keys, sid, self._tail[1], self._texts, end)
                recorder.parts = batch.parts
                self._host.assert_facts(self.ruleset, batch)
            except (TypeError, ValueError, OverflowError, UnicodeError) as error:
                unencodable = _first_unencodable(facts)
                if unencodable is not None:  # to_json refused it
                    recorder.refused = (dict(unencodable, sid=sid), error)
                else:  # durable's own error: no fact is to blame
                    failure = error
            except Exception as error:
                failure = error
            finally:
                self._recorder = None
            if failure is None and recorder.refused is None and not recorder.stopped and not recorder.ended:
                try:
                    stored = {fact.get("id") for fact in self._host.get_facts(self.ruleset, sid)}
                except Exception:  # no state at all (error 309): none of the batch was stored
                    stored = set()
                missing = [fact for fact in facts if fact.get("id") not in stored]
                if missing:
                    recorder.refused = (dict(missing[0], sid=sid), RuntimeError("not stored (durable gave no reason)"))
                else:  # every fact stored, yet durable stopped before the batch's end
                    failure = RuntimeError("the batch's end was never reached (durable gave no reason)")
            return recorder, failure

    def _clear(self, sid: str, sent: list[str]) -> bool:
        """Retract every fact a sheet asserted, the last first; whether its state is as new."""
        with self._lock:
            try:
                return self._host.retract_all(self.ruleset, sid, "[" + ", ".join(reversed(sent)) + "]")
            except Exception:  # durable's own error, or a host that cannot: the state is deleted
                return False

    @contextlib.contextmanager
    def session(self) -> Iterator["Session"]:
        """One sheet's working memory, in a state cleared by the session before, or new (Limits)."""
        try:
            sid = self._free.pop()  # one step: two threads never take the same
        except IndexError:
            sid = f"s{next(_session_ids)}"
        session = Session(self, sid)
        try:
            yield session
        finally:
            session.close()


class Session:
    def __init__(self, engine: Engine, sid: str):
        self.engine = engine
        self.sid = sid
        self.closed = False
        self._asserted = False  # durable holds a state for this sheet
        self._acted = False  # ... and ran an action for it (see close)
        self._facts: dict[str, dict] = {}  # id -> every fact asserted, as firings hand them back
        self._sent: list[str] | None = []  # every fact durable took, as text (None: a call went wrong)

    def assert_facts(self, facts: list[dict], keys: list[Hashable | None] | None = None) -> list[Activation]:
        """Assert facts in the order given; return the firings they caused, in firing order.
        Firings hand back these very facts (the caller changes none of them after).
        `keys`: for each fact, None or a key that decides the whole fact (the same key is only
        ever given for equal facts, of the same types): its JSON text is then written once
        and kept with the engine (bounded), not written again for every sheet."""
        if self.closed:
            raise EngineError(Problem("engine-failed", {"reason": f"session {self.sid} is closed"}))
        if not facts:
            return []
        engine = self.engine
        self._asserted = True
        recorder, failure = engine._call(self.sid, facts, self._facts, keys)
        self._acted = self._acted or recorder.acted
        self._keep(recorder, failure)
        for _, error in recorder.errors:
            if not isinstance(error, Exception):
                raise error
        if recorder.refused is not None:  # never a silent drop (edge 15)
            fact, error = recorder.refused
            value = repr(fact.get("value", fact))
            raise EngineError(Problem("engine-fact-refused", {
                "fact": fact.get("name", fact.get("id")),
                "value": value if len(value) <= 80 else f"{value[:60]}... ({len(value)} characters)",
                "reason": _durable_message(error)}))
        if failure is not None and not recorder.stopped:
            raise EngineError(Problem("engine-failed", {"reason": _durable_message(failure)}))
        if recorder.errors:
            rule_id, error = recorder.errors[0]
            raise RuleRunError(Problem("engine-action-failed", {"reason": f"{type(error).__name__}: {error}"},
                                       rule=rule_id))
        if recorder.stopped:
            busiest = sorted(recorder.counts.items(), key=lambda item: (-item[1], item[0]))[:5]
            # durable re-creates the state after the action asked to delete it:
            # close() still deletes it, else each cycle would leak a live sheet.
            raise CycleError(Problem("engine-firing-bound", {
                "bound": engine.firing_bound,
                "rules": ", ".join(f"{rule} ({count}x)" for rule, count in busiest)},
                rule=busiest[0][0]))  # the bound counts firings: there is at least one
        return recorder.activations

    def _keep(self, recorder: _Recorder, failure: BaseException | None) -> None:
        if self._sent is not None and recorder.ended and recorder.parts and failure is None \
                and recorder.refused is None and not recorder.errors and not recorder.stopped:
            self._sent.extend(recorder.parts)
        else:  # kept no more: the state is deleted at close
            self._sent = None

    def close(self) -> None:
        """Clear the sheet's state for the next sheet (see Limits), or delete it. durable
        crashes the process when deleting a state for which it never ran an action (no rule
        fired, or every fact was refused): one fact only the engine's own rule matches makes
        it run one first."""
        if self.closed:
            return
        self.closed = True
        engine = self.engine
        if not self._asserted:
            engine._free.append(self.sid)  # durable holds nothing for this sheet
            return
        if not self._acted:
            recorder, failure = engine._call(self.sid, [{"id": CLOSE_RULE, "t": CLOSE_RULE}])
            if not recorder.acted:
                return  # leave it: a leaked state is better than a crashed process
            self._keep(recorder, failure)
        if self._sent is not None and engine._clear(self.sid, self._sent):
            engine._free.append(self.sid)
            return
        try:
            self.engine._host.delete_state(self.engine.ruleset, self.sid)
        except Exception:
            pass


def _first_unencodable(batch: list[dict]) -> dict | None:
    for fact in batch:
        try:
            _to_json(fact)
        except (TypeError, ValueError, OverflowError, UnicodeError):
            return fact
    return None


def _bound_facts(closure: Any) -> list[tuple[str, dict]]:
    """The (alias, fact) pairs of a firing. durable's message maps every alias to its fact,
    those of nested groups ($any, $all) included; batched firings (count, cap), which bind
    no alias, are refused by check_definition."""
    return list(closure._m.items())


def check_definition(definition: dict[str, dict]) -> None:
    """Refuse the shapes that crash or loop durable (edges 3, 8, 9: advise.engine.durable_shapes,
    imported when a definition is checked: not by a run on a rule base the cache kept)."""
    from .durable_shapes import check_definition as check

    check(definition)


def _durable_message(error: BaseException) -> str:
    """durable's own words, bounded: its exceptions keep them in `message` (text it wrote
    with json.dumps), the engine's errors in their arguments."""
    return str(getattr(error, "message", None) or str(error) or type(error).__name__)[:500]

