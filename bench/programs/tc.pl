% tc.pl — transitive closure for SWI-Prolog with tabling (bench/run.sh).
:- table path/2.
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
bench_main :- aggregate_all(count, path(_, _), N), format("~d~n", [N]).
