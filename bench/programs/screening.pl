% screening.pl — the regulator-screening workload for SWI-Prolog with tabling
% (bench/run.sh): the rules of screening.norma, clause for rule, over facts.lp (gen.c;
% dates as yyyymmdd integers). bench_main prints the number of guilty providers, of
% circumstance(P, C) rows and of refused(P, O, DL) rows.
:- table nsp/1, failed_duty/2, refused/3, items_after/5, mass_dissemination/1,
         serious_leak/1, other_serious/1, circumstance/2, guilty/1.

% 解释 第1条 第1-3项: the services that make a network service provider.
technical_service(network_access).
technical_service(storage).
technical_service(transmission).
application_service(instant_messaging).
application_service(online_shopping).
application_service(online_gaming).
application_service(live_streaming).
application_service(search_engine).
public_service(e_government).
public_service(finance).

% art1
nsp(P) :-
    provides(P, S),
    ( technical_service(S) ; application_service(S) ; public_service(S) ).

% duty_of_order, in_time, refusal
failed_duty(P, O) :- ordered(O, P, _), order_duty(O, D), breached(P, D, _).
corrected_in_time(P, O) :- corrected(P, O, C), order_deadline(O, DL), C =< DL.
refused(P, O, DL) :-
    nsp(P), failed_duty(P, O), order_deadline(O, DL), \+ corrected_in_time(P, O).

% D + 2 years and D - 2 years (SPEC [sem.date.arith]): the same day two years on, or
% from 02-29, whose year +/- 2 is never a leap year, 02-28 (as yyyymmdd: one less).
plus_2_years(D, E) :- ( D mod 10000 =:= 229 -> E is D + 19999 ; E is D + 20000 ).
minus_2_years(D, S) :- ( D mod 10000 =:= 229 -> S is D - 20001 ; S is D - 20000 ).

% items_after(Rel, P, Kind, DL, N): N items of Kind disseminated or leaked by P after DL
% and within 2 years after it (dl < d <= dl + 2 years). Items are numbered per provider
% (gen.c), so counting rows counts distinct items, as Norma's count(n for ...) does.
% Tabled: the three items of Art. 3 (and the four of Art. 4) share the counts.
items_after(disseminated, P, K, DL, N) :-
    plus_2_years(DL, E),
    aggregate_all(count, (disseminated(P, _, K, D), D > DL, D =< E), N).
items_after(leaked, P, K, DL, N) :-
    plus_2_years(DL, E),
    aggregate_all(count, (leaked(P, _, K, D), D > DL, D =< E), N).

% art3_1 .. art3_3 (200 videos, 2,000 others; one video counts as ten items)
mass_dissemination(P) :-
    refused(P, _, DL), items_after(disseminated, P, video, DL, V), V >= 200.
mass_dissemination(P) :-
    refused(P, _, DL), items_after(disseminated, P, other, DL, O), O >= 2000.
mass_dissemination(P) :-
    refused(P, _, DL), items_after(disseminated, P, video, DL, V),
    items_after(disseminated, P, other, DL, O), V * 10 + O >= 2000.

% art4_1 .. art4_4 (500 : 5,000 : 50,000)
serious_leak(P) :-
    refused(P, _, DL), items_after(leaked, P, sensitive, DL, S), S >= 500.
serious_leak(P) :-
    refused(P, _, DL), items_after(leaked, P, personal, DL, Q), Q >= 5000.
serious_leak(P) :-
    refused(P, _, DL), items_after(leaked, P, other_info, DL, O), O >= 50000.
serious_leak(P) :-
    refused(P, _, DL), items_after(leaked, P, sensitive, DL, S),
    items_after(leaked, P, personal, DL, Q), items_after(leaked, P, other_info, DL, O),
    S * 100 + Q * 10 + O >= 50000.

% art6_1: u / n >= 9/10 (most_ratio), in integers; art6_2: three refused orders with
% deadlines within 2 years before t (t - 2 years <= d <= t), counted as distinct orders.
other_serious(P) :-
    refused(P, _, _), log_record(P, U, N), N > 0, U * 10 >= 9 * N.
other_serious(P) :-
    refused(P, _, T), minus_2_years(T, S),
    aggregate_all(set(O), (refused(P, O, D), D >= S, D =< T), Os),
    length(Os, C), C >= 3.

circumstance(P, 3) :- mass_dissemination(P).
circumstance(P, 4) :- serious_leak(P).
circumstance(P, 6) :- other_serious(P).

% art286_1: in_force_on([刑法 第286条之一 第1款], D): the article is in force from
% 2015-11-01 on.
guilty(P) :-
    nsp(P), refused(P, O, D), failed_duty(P, O), D >= 20151101, circumstance(P, _).

bench_main :-
    aggregate_all(count, guilty(_), G),
    aggregate_all(count, circumstance(_, _), C),
    aggregate_all(count, refused(_, _, _), R),
    format("~d ~d ~d~n", [G, C, R]).
