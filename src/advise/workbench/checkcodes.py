"""The registry of `advise rules check` codes, as ruff's: each check's stable code, name and
severity, what it finds, why that matters to the consultant and to the owner's report, and
how to fix it, in English and French.

`advise rules check --explain CODE` prints one check in full (`explain_text`); the table of
checks in docs/writing-rules.md is generated from here (advise.workbench.docs); each finding
of a check report carries its check's texts (advise.workbench.catalogue).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError, Problem, Severity, closest, register_messages

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Check:
    """One kind of finding: a stable code, a name, a severity, what it finds (`title`), why
    it matters (`why`) and what to do about it (`fix`), each in every language."""

    code: str
    name: str
    severity: Severity
    title: dict[str, str]
    why: dict[str, str]
    fix: dict[str, str]


_CHECKS = [
    Check("A001", "invalid-rule-base", ERROR,
          {"en": "a rule file, table or the vocabulary does not load",
           "fr": "un fichier de règles, une table ou le vocabulaire ne se charge pas"},
          {"en": "A rule base that does not load whole is refused: no sheet gets a report with it, and the other "
                 "checks cannot run until it loads.",
           "fr": "Une base de règles qui ne se charge pas en entier est refusée : aucune fiche n'obtient de rapport "
                 "avec elle, et les autres vérifications ne peuvent pas tourner tant qu'elle ne se charge pas."},
          {"en": "correct the file at the line shown; every problem is listed at once",
           "fr": "corrigez le fichier à la ligne indiquée ; tous les problèmes sont listés d'un coup"}),
    Check("A002", "invalid-case-file", ERROR,
          {"en": "a case file does not load", "fr": "un fichier de cas ne se charge pas"},
          {"en": "None of the cases runs: `advise test` stops on this file, and the checks that need the cases (A206, "
                 "A501 to A503, A604, A605) are not made, so a change that breaks the advice goes unnoticed.",
           "fr": "Aucun cas ne tourne : `advise test` s'arrête sur ce fichier, et les vérifications qui ont besoin "
                 "des cas (A206, A501 à A503, A604, A605) ne sont pas faites ; un changement qui casse le conseil "
                 "passe alors inaperçu."},
          {"en": "correct the case file at the line shown (see docs/writing-rules.md, \"Cases\")",
           "fr": "corrigez le fichier de cas à la ligne indiquée (voir docs/fr/ecrire-des-regles.md, « Les cas »)"}),
    Check("A101", "contradictory-conditions", ERROR,
          {"en": "conditions that cannot hold together", "fr": "des conditions qui ne peuvent pas être remplies ensemble"},
          {"en": "No sheet can meet all the conditions, so the rule never applies: the advice it gives never reaches "
                 "an owner, and no run shows an error for it.",
           "fr": "Aucune fiche ne peut remplir toutes les conditions, donc la règle ne s'applique jamais : le conseil "
                 "qu'elle donne n'atteint aucun dirigeant, sans qu'aucune erreur ne le signale."},
          {"en": "correct the thresholds, or split the rule into several rules",
           "fr": "corrigez les seuils, ou découpez la règle en plusieurs règles"}),
    Check("A102", "impossible-value", ERROR,
          {"en": "a condition no possible value of the fact meets",
           "fr": "une condition qu'aucune valeur possible du fait ne remplit"},
          {"en": "No possible value of the fact meets it (more than 168 hours a week, a budget below zero), so the "
                 "rule never applies and its advice never reaches a report, without any error to say so.",
           "fr": "Aucune valeur possible du fait ne la remplit (plus de 168 heures par semaine, un budget négatif) : "
                 "la règle ne s'applique donc jamais et son conseil n'atteint aucun rapport, sans qu'aucune erreur ne "
                 "le signale."},
          {"en": "compare with a value inside the fact's range",
           "fr": "comparez à une valeur dans les limites du fait"}),
    Check("A103", "reads-unconcluded-fact", ERROR,
          {"en": "a rule needs a derived fact that nothing concludes",
           "fr": "une règle a besoin d'un fait déduit que rien ne conclut"},
          {"en": "The rule waits for a fact that never gets a value, so it never applies: what it concludes never "
                 "reaches a report, and no run shows an error for it.",
           "fr": "La règle attend un fait qui ne reçoit jamais de valeur, donc elle ne s'applique jamais : ce qu'elle "
                 "conclut n'atteint aucun rapport, sans qu'aucune erreur ne le signale."},
          {"en": "write the rule that concludes it, give the fact a default in vocabulary.yaml, or test "
                 "'present: false' if its absence is what you mean",
           "fr": "écrivez la règle qui le conclut, donnez au fait une valeur par défaut dans vocabulary.yaml, ou "
                 "testez « present: false » si c'est son absence que vous visez"}),
    Check("A104", "value-never-concluded", ERROR,
          {"en": "a rule tests a derived fact for a value no rule concludes",
           "fr": "une règle teste un fait déduit pour une valeur qu'aucune règle ne conclut"},
          {"en": "The rule waits for a value the rules never give (often a misspelt one), so it never applies and its "
                 "advice never reaches a report, without any error to say so.",
           "fr": "La règle attend une valeur que les règles ne donnent jamais (souvent une valeur mal orthographiée) "
                 ": elle ne s'applique donc jamais et son conseil n'atteint aucun rapport, sans qu'aucune erreur ne "
                 "le signale."},
          {"en": "test one of the values the rules conclude, or write the rule that concludes this one",
           "fr": "testez l'une des valeurs que les règles concluent, ou écrivez la règle qui conclut celle-ci"}),
    Check("A105", "condition-always-true", WARNING,
          {"en": "a condition every possible value meets", "fr": "une condition que toute valeur possible remplit"},
          {"en": "The condition rules out no sheet. If it was meant to set a limit, the rule also applies to the "
                 "owners it should leave out; if not, the justification still cites the answer as a reason, which "
                 "misleads the reader.",
           "fr": "La condition n'écarte aucune fiche. Si elle devait poser une limite, la règle s'applique aussi aux "
                 "dirigeants qu'elle devait laisser de côté ; sinon, la justification cite quand même la réponse "
                 "comme une raison, ce qui égare le lecteur."},
          {"en": "remove the condition, or correct its threshold if it was meant to exclude something",
           "fr": "supprimez la condition, ou corrigez son seuil si elle devait exclure quelque chose"}),
    Check("A106", "table-value-type", ERROR,
          {"en": "a table value whose type does not fit its use (a number written as text)",
           "fr": "une valeur de table dont le type ne convient pas à son usage (un nombre écrit comme du texte)"},
          {"en": "Written in quotes, the number is text, not a number: a rule that computes with it stops with an "
                 "error, and the owner whose sheet it applies to gets no report.",
           "fr": "Entre guillemets, le nombre est du texte, et non un nombre : une règle qui calcule avec s'arrête "
                 "sur une erreur, et le dirigeant dont la fiche la déclenche n'obtient pas de rapport."},
          {"en": "write the number without quotes (value: 0.7, not value: \"0.7\")",
           "fr": "écrivez le nombre sans guillemets (value: 0.7, et non value: \"0.7\")"}),
    Check("A201", "duplicate-rule", WARNING,
          {"en": "a rule that repeats another", "fr": "une règle qui en répète une autre"},
          {"en": "Both rules apply to the same sheets and conclude the same: the justification shows the step twice, "
                 "points they add count twice, and whoever later corrects one leaves the other giving the old advice.",
           "fr": "Les deux règles s'appliquent aux mêmes fiches et concluent la même chose : la justification montre "
                 "l'étape deux fois, les points qu'elles ajoutent comptent double, et qui corrige l'une plus tard "
                 "laisse l'autre donner l'ancien conseil."},
          {"en": "keep one of the two rules (merge their sources if they differ)",
           "fr": "gardez une seule des deux règles (réunissez leurs sources si elles diffèrent)"}),
    Check("A202", "shadowed-rule", WARNING,
          {"en": "a rule whose conclusions another rule always draws when it fires",
           "fr": "une règle dont une autre tire toujours les conclusions quand elle s'applique"},
          {"en": "It changes no advice: whenever it applies, the other rule applies too and concludes the same, so "
                 "the report only gains a step that repeats another. It is one more rule to keep up to date, or a "
                 "sign that the other rule covers more sheets than you meant.",
           "fr": "Elle ne change aucun conseil : chaque fois qu'elle s'applique, l'autre règle s'applique aussi et "
                 "conclut la même chose, si bien que le rapport n'y gagne qu'une étape qui en répète une autre. C'est "
                 "une règle de plus à tenir à jour, ou le signe que l'autre règle couvre plus de fiches que prévu."},
          {"en": "remove this rule, or make it conclude something of its own",
           "fr": "supprimez cette règle, ou faites-lui conclure quelque chose de propre"}),
    Check("A203", "possible-conflict", WARNING,
          {"en": "two rules that may conclude different values for one fact",
           "fr": "deux règles qui peuvent conclure des valeurs différentes pour un même fait"},
          {"en": "A sheet that meets both rules stops with a conflict error instead of giving a report. The sample "
                 "sheet did not show it, but a client's sheet may.",
           "fr": "Une fiche qui remplit les deux règles s'arrête sur une erreur de conflit au lieu de donner un "
                 "rapport. La fiche d'exemple ne l'a pas montré, mais celle d'un client le peut."},
          {"en": "make their conditions exclusive, or give the one that should win a higher priority; "
                 "otherwise a sheet like this one stops with a conflict error",
           "fr": "rendez leurs conditions exclusives, ou donnez une priorité plus haute à celle qui doit l'emporter ; "
                 "sinon une fiche comme celle-ci s'arrête sur une erreur de conflit"}),
    Check("A204", "conflict", ERROR,
          {"en": "two rules that conclude different values for one fact on a sample sheet",
           "fr": "deux règles qui concluent des valeurs différentes pour un même fait sur une fiche d'exemple"},
          {"en": "A sheet like the sample one stops with a conflict error: the owner gets no report, only an error "
                 "that names the two rules.",
           "fr": "Une fiche comme celle de l'exemple s'arrête sur une erreur de conflit : le dirigeant n'obtient pas "
                 "de rapport, seulement une erreur qui nomme les deux règles."},
          {"en": "make their conditions exclusive, or give the one that should win a higher priority: "
                 "as they are, this sheet stops with a conflict error",
           "fr": "rendez leurs conditions exclusives, ou donnez une priorité plus haute à celle qui doit l'emporter : "
                 "en l'état, cette fiche s'arrête sur une erreur de conflit"}),
    Check("A206", "repeated-advice", WARNING,
          {"en": "two conclusions of one report that tell the owner the same thing",
           "fr": "deux conclusions d'un même rapport qui disent la même chose au dirigeant"},
          {"en": "The owner reads the same advice twice in one report: it looks careless, and they may take it for "
                 "two different things to do.",
           "fr": "Le dirigeant lit deux fois le même conseil dans un même rapport : cela fait négligé, et il peut y "
                 "voir deux choses différentes à faire."},
          {"en": "keep one of them, or make their conditions exclusive so that one report says it once",
           "fr": "gardez-en une, ou rendez leurs conditions exclusives pour qu'un rapport ne le dise qu'une fois"}),
    Check("A301", "rule-cycle", ERROR,
          {"en": "rules that depend on each other in a circle", "fr": "des règles qui dépendent les unes des autres en cercle"},
          {"en": "Rules in a circle have no order in which to be decided, so the rule base does not run: no sheet "
                 "gets a report until the circle is broken.",
           "fr": "Des règles en cercle n'ont aucun ordre possible, donc la base de règles ne tourne pas : aucune "
                 "fiche n'obtient de rapport tant que le cercle n'est pas cassé."},
          {"en": "break the circle: one of these rules must not read what the others conclude "
                 "(a 'not' condition counts as reading)",
           "fr": "cassez le cercle : l'une de ces règles ne doit pas lire ce que concluent les autres "
                 "(une condition « not » compte comme une lecture)"}),
    Check("A401", "sheet-fact-unused", WARNING,
          {"en": "a field of the fact sheet no rule reads", "fr": "un champ de la fiche qu'aucune règle ne lit"},
          {"en": "Whatever the owner answers here, the advice stays the same: either a rule you meant to write is "
                 "missing, or the question takes the owner's time for nothing.",
           "fr": "Quoi que le dirigeant réponde ici, le conseil reste le même : soit il manque une règle que vous "
                 "vouliez écrire, soit la question lui prend du temps pour rien."},
          {"en": "write the rule that uses this answer; until then it changes nothing in the advice",
           "fr": "écrivez la règle qui utilise cette réponse ; d'ici là elle ne change rien au conseil"}),
    Check("A402", "conclusion-unused", WARNING,
          {"en": "a derived fact nothing reads or shows", "fr": "un fait déduit que rien ne lit ni ne montre"},
          {"en": "The value concluded changes nothing: no other rule uses it, and no explanation text or summary "
                 "shows it; it only appears in a step of the justification. Either a rule that should use it is "
                 "missing, or concluding it is of no use.",
           "fr": "La valeur conclue ne change rien : aucune autre règle ne s'en sert, aucun texte d'explication ni "
                 "résumé ne la montre ; elle n'apparaît que dans une étape de la justification. Soit il manque la "
                 "règle qui devait s'en servir, soit la conclure ne sert à rien."},
          {"en": "use it in a rule or an explanation text, or stop concluding it",
           "fr": "utilisez-le dans une règle ou un texte d'explication, ou cessez de le conclure"}),
    Check("A403", "fact-never-concluded", WARNING,
          {"en": "a derived fact declared but never concluded", "fr": "un fait déduit déclaré mais jamais conclu"},
          {"en": "The vocabulary declares a fact that never gets a value: a colleague who finds it in the rule "
                 "reference and writes a rule on it gets a rule that never applies.",
           "fr": "Le vocabulaire déclare un fait qui ne reçoit jamais de valeur : un collègue qui le trouve dans la "
                 "référence des règles et écrit une règle dessus obtient une règle qui ne s'applique jamais."},
          {"en": "write the rule that concludes it, or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui le conclut, ou retirez-le de vocabulary.yaml"}),
    Check("A404", "table-value-unused", WARNING,
          {"en": "a table value no rule reads", "fr": "une valeur de table qu'aucune règle ne lit"},
          {"en": "Changing this value changes nothing in any report: whoever tunes it, thinking it counts, sees no "
                 "effect, and its figure and source are kept up to date for nothing.",
           "fr": "Changer cette valeur ne change rien à aucun rapport : qui l'ajuste en la croyant utile n'en voit "
                 "aucun effet, et son chiffre comme sa source sont tenus à jour pour rien."},
          {"en": "use it in a rule, or remove it from the table",
           "fr": "utilisez-la dans une règle, ou retirez-la de la table"}),
    Check("A405", "warning-never-raised", WARNING,
          {"en": "a warning declared but raised by no rule", "fr": "un point d'attention déclaré mais émis par aucune règle"},
          {"en": "No report ever shows this warning: the risk you declared it for is never pointed out to an owner.",
           "fr": "Aucun rapport ne montre jamais ce point d'attention : le risque pour lequel vous l'avez déclaré "
                 "n'est signalé à aucun dirigeant."},
          {"en": "write the rule that raises it (then: warn:), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui l'émet (then: warn:), ou retirez-le de vocabulary.yaml"}),
    Check("A406", "recommendation-never-raised", WARNING,
          {"en": "a recommendation declared but made by no rule",
           "fr": "une recommandation déclarée mais faite par aucune règle"},
          {"en": "No report ever makes this recommendation: the step you declared it for is never suggested to an "
                 "owner.",
           "fr": "Aucun rapport ne fait jamais cette recommandation : la démarche pour laquelle vous l'avez déclarée "
                 "n'est proposée à aucun dirigeant."},
          {"en": "write the rule that makes it (then: recommend:), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui la fait (then: recommend:), ou retirez-la de vocabulary.yaml"}),
    Check("A407", "verdict-never-concluded", WARNING,
          {"en": "a verdict no rule concludes", "fr": "un verdict qu'aucune règle ne conclut"},
          {"en": "No owner ever gets this verdict: the situation it was declared for is never recognised, and the "
                 "title and meaning you wrote for it are never shown.",
           "fr": "Aucun dirigeant n'obtient jamais ce verdict : la situation pour laquelle il a été déclaré n'est "
                 "jamais reconnue, et le titre et le sens que vous lui avez écrits ne s'affichent jamais."},
          {"en": "write the rule that concludes it (then: set: {verdict: ...}), or remove it from vocabulary.yaml",
           "fr": "écrivez la règle qui le conclut (then: set: {verdict: ...}), ou retirez-le de vocabulary.yaml"}),
    Check("A501", "rule-not-covered", WARNING,
          {"en": "a rule no case fires", "fr": "une règle qu'aucun cas ne déclenche"},
          {"en": "Nothing checks that the rule still applies when it should: a later change to it, or to the rules "
                 "that feed it, can silence it without `advise test` failing.",
           "fr": "Rien ne vérifie que la règle s'applique encore quand il le faut : un changement ultérieur, d'elle "
                 "ou des règles qui l'alimentent, peut la faire taire sans que `advise test` échoue."},
          {"en": "add a case where it fires (and one where it stays silent) to the cases file beside the rules; "
                 "`advise rules new` shows the format",
           "fr": "ajoutez un cas où elle se déclenche (et un où elle reste muette) au fichier de cas à côté des "
                 "règles ; `advise rules new` en montre le format"}),
    Check("A502", "case-fails", ERROR,
          {"en": "a case whose expectations the rules do not meet",
           "fr": "un cas dont les règles ne remplissent pas les attentes"},
          {"en": "The rules no longer give the advice this case records: either a change broke the advice for owners "
                 "in this situation, or the case is out of date and protects nothing.",
           "fr": "Les règles ne donnent plus le conseil que ce cas consigne : soit un changement a cassé le conseil "
                 "des dirigeants dans cette situation, soit le cas est dépassé et ne protège plus rien."},
          {"en": "run `advise test` to see expected against actual, then correct the rule or the case",
           "fr": "lancez `advise test` pour voir l'attendu face au résultat, puis corrigez la règle ou le cas"}),
    Check("A503", "case-crashes", ERROR,
          {"en": "a case whose sheet stops the rules with an error (a conflict, a failed computation)",
           "fr": "un cas dont la fiche arrête les règles sur une erreur (un conflit, un calcul en échec)"},
          {"en": "A client's sheet like this case's stops with the same error: that owner gets no report, only an "
                 "error message.",
           "fr": "La fiche d'un client semblable à celle du cas s'arrête sur la même erreur : ce dirigeant n'obtient "
                 "pas de rapport, seulement un message d'erreur."},
          {"en": "correct the rule named: a client's sheet like this one would get no report",
           "fr": "corrigez la règle nommée : la fiche d'un client comme celle-ci n'aurait pas de rapport"}),
    Check("A601", "placeholder-text", WARNING,
          {"en": "a text still holds a TODO placeholder", "fr": "un texte contient encore un TODO à remplacer"},
          {"en": "The report prints texts as they are: an owner would read 'TODO' in their advice, or in the source "
                 "of a step.",
           "fr": "Le rapport imprime les textes tels quels : un dirigeant lirait « TODO » dans son conseil, ou dans "
                 "la source d'une étape."},
          {"en": "replace each TODO with the real text", "fr": "remplacez chaque TODO par le vrai texte"}),
    Check("A602", "untranslated-text", WARNING,
          {"en": "a text is the same in French and English", "fr": "un texte est identique en français et en anglais"},
          {"en": "Each report is in one language: one of the two readers, French or English, gets this text in the "
                 "other language in the middle of their advice.",
           "fr": "Chaque rapport est dans une seule langue : l'un des deux lecteurs, francophone ou anglophone, "
                 "trouve ce texte dans l'autre langue au milieu de son conseil."},
          {"en": "translate it: each reader sees only their own language",
           "fr": "traduisez-le : chaque lecteur ne voit que sa langue"}),
    Check("A603", "unknown-name-in-text", ERROR,
          {"en": "a text shows a name that is no fact, table or table value",
           "fr": "un texte affiche un nom qui n'est ni un fait, ni une table, ni une valeur de table"},
          {"en": "A report in which the rule applies stops with an error on this name, in the text's language: the "
                 "owner gets no report.",
           "fr": "Un rapport où la règle s'applique bute sur ce nom, dans la langue du texte, et s'arrête sur une "
                 "erreur : le dirigeant n'obtient pas de rapport."},
          {"en": "correct the name (`advise rules uses NAME` tells what a name is); the report would fail on it",
           "fr": "corrigez le nom (`advise rules uses NOM` dit ce qu'est un nom) ; le rapport échouerait dessus"}),
    Check("A604", "text-fails", ERROR,
          {"en": "a text that does not render on a case's sheet",
           "fr": "un texte qui ne s'affiche pas sur la fiche d'un cas"},
          {"en": "A client whose sheet is like the case's gets an error instead of a report, in that language.",
           "fr": "Un client dont la fiche ressemble à celle du cas obtient une erreur au lieu d'un rapport, dans "
                 "cette langue."},
          {"en": "correct the text, or guard it ({% if fact is defined %}); a client with this sheet would get "
                 "no report",
           "fr": "corrigez le texte, ou protégez-le ({% if fait is defined %}) ; un client avec cette fiche "
                 "n'aurait pas de rapport"}),
    Check("A605", "placeholder-case", WARNING,
          {"en": "a case still holds a TODO placeholder", "fr": "un cas contient encore un TODO à remplacer"},
          {"en": "Until it is filled in, the case stands for no real situation: it may pass while protecting no "
                 "advice a client would get.",
           "fr": "Tant qu'il n'est pas rempli, le cas ne représente aucune situation réelle : il peut réussir sans "
                 "protéger aucun conseil qu'un client recevrait."},
          {"en": "describe the situation the case stands for, and give its sheet the answers it needs",
           "fr": "décrivez la situation que le cas représente, et donnez à sa fiche les réponses utiles"}),
    Check("A701", "invariant-broken", ERROR,
          {"en": "a sheet breaks an invariant of rules/invariants.yaml",
           "fr": "une fiche met en défaut un invariant de rules/invariants.yaml"},
          {"en": "A sheet exists whose advice breaks what you declared must hold for every sheet (more hours giving "
                 "a worse verdict, say): an owner with that sheet would get incoherent advice, and rightly find it "
                 "absurd.",
           "fr": "Il existe une fiche dont le conseil contredit ce que vous avez déclaré vrai pour toute fiche (plus "
                 "d'heures qui donnent un moins bon verdict, par exemple) : un dirigeant avec cette fiche recevrait "
                 "un conseil incohérent, qu'il trouverait absurde à juste titre."},
          {"en": "run the sheet shown (advise FILE --all), see which rule decides against the invariant, and correct "
                 "that rule; change the invariant only if it no longer says what the advice must keep",
           "fr": "lancez la fiche montrée (advise FICHE --all), voyez quelle règle décide contre l'invariant, et "
                 "corrigez cette règle ; ne changez l'invariant que s'il ne dit plus ce que le conseil doit garantir"}),
    Check("A702", "invalid-invariant", ERROR,
          {"en": "an invariant of rules/invariants.yaml cannot be read",
           "fr": "un invariant de rules/invariants.yaml ne peut pas être lu"},
          {"en": "While the file has an error, none of its invariants is searched: the guarantees it states protect "
                 "nothing, though the file still states them.",
           "fr": "Tant que le fichier a une erreur, aucun de ses invariants n'est vérifié : les garanties qu'il "
                 "énonce ne protègent plus rien, même si le fichier les affiche toujours."},
          {"en": "correct it at the line shown (the file's header describes the format)",
           "fr": "corrigez-le à la ligne indiquée (l'en-tête du fichier en décrit le format)"}),
]



def _french_typography(check: Check) -> Check:
    """The French texts with the no-break spaces of French typography (before : ; ? ! and
    inside « »), as the reports have them; written with plain spaces above, to stay readable."""
    from ..explain.wording import typography

    return replace(check, **{field: {**texts, "fr": typography(texts["fr"], "fr")}
                             for field, texts in (("title", check.title), ("why", check.why), ("fix", check.fix))})


CHECKS: dict[str, Check] = {check.code: _french_typography(check) for check in _CHECKS}
BY_NAME: dict[str, Check] = {check.name: check for check in CHECKS.values()}

register_messages({
    "unknown-check": {
        "en": "no check has the code or name '{id}'",
        "fr": "aucune vérification n'a le code ou le nom « {id} »",
    },
    "hint-check-codes": {
        "en": "the codes are {codes}",
        "fr": "les codes sont {codes}",
    },
})


def find_check(code: str) -> Check:
    """The check with this code (A203, a203) or name (possible-conflict); otherwise an
    InputError that suggests the closest code or name, or lists the codes."""
    wanted = code.strip()
    found = CHECKS.get(wanted.upper()) or BY_NAME.get(wanted.lower())
    if found is not None:
        return found
    words = sorted(wanted.lower().replace("_", "-").split("-"))
    same_words = [name for name in BY_NAME if sorted(name.split("-")) == words]  # conflict-possible
    suggestion = (same_words[0] if same_words else None) or closest(wanted.upper(), CHECKS) \
        or closest(wanted.lower(), BY_NAME)
    hint: dict[str, Any] = {"hint": "hint-did-you-mean", "hint_params": {"suggestion": suggestion}} if suggestion \
        else {"hint": "hint-check-codes", "hint_params": {"codes": ", ".join(CHECKS)}}
    raise InputError(Problem("unknown-check", {"id": code}, field="--explain", **hint))


SEVERITY_WORDS = {"en": {ERROR: "error", WARNING: "warning"}, "fr": {ERROR: "erreur", WARNING: "avertissement"}}
_EXPLAIN_LABELS = {
    "en": {"title": "What it finds:", "why": "Why it matters:", "fix": "What to do:"},
    "fr": {"title": "Ce qu'elle trouve\u00a0:", "why": "Pourquoi c'est important\u00a0:", "fix": "À faire\u00a0:"},
}
EXPLAIN_WIDTH = 88


def _sentence(text: str) -> str:
    """A registry text as a sentence of its own: a capital first, a full stop last."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def explain_text(check: Check, lang: str = "en") -> str:
    """One check in full, for `advise rules check --explain CODE`: its code, name and
    severity, then what it finds, why it matters and what to do, wrapped for a terminal."""
    lines = [f"{check.code} {check.name} ({SEVERITY_WORDS[lang][check.severity]})"]
    for field in ("title", "why", "fix"):
        lines += ["", _EXPLAIN_LABELS[lang][field]]
        lines += textwrap.wrap(_sentence(getattr(check, field)[lang]), EXPLAIN_WIDTH, initial_indent="  ",
                               subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def explain_dict(check: Check, lang: str = "en") -> dict[str, str]:
    """One check in full, for `advise rules check --explain CODE --format json`."""
    return {"code": check.code, "name": check.name, "severity": str(check.severity), "what": check.title[lang],
            "why": check.why[lang], "fix": check.fix[lang]}
