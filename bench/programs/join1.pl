% join1.pl — OpenRuleBench join1 for SWI-Prolog with tabling (bench/run.sh).
:- table a/2, b1/2, b2/2, c1/2.
a(X, Y) :- b1(X, Z), b2(Z, Y).
b1(X, Y) :- c1(X, Z), c2(Z, Y).
b2(X, Y) :- c3(X, Z), c4(Z, Y).
c1(X, Y) :- d1(X, Z), d2(Z, Y).
bench_main :- aggregate_all(count, a(_, _), N), format("~d~n", [N]).
