% sg.pl — same generation for SWI-Prolog with tabling (bench/run.sh).
:- table sg/2.
sg(X, Y) :- sib(X, Y).
sg(X, Y) :- par(X, XP), sg(XP, YP), par(Y, YP).
bench_main :- aggregate_all(count, sg(_, _), N), format("~d~n", [N]).
