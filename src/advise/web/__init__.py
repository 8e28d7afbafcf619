"""`advise serve`, a thin layer beside the command line: the questionnaire and its report
on the web, and the JSON API (advise.web.app), served by waitress in worker processes
(advise.web.server).

May import: every stage below it, advise.render and advise.workbench (the questions);
nothing imports it but advise.cli. Kept free of imports, so that start-up stays lazy:
the application is advise.web.app.create_app.
"""
