#!/usr/bin/env bash
# tests/repl/run.sh — tests of `norma repl` ([cli.repl]). Two parts:
#  1. scripts: each cases/NAME.in is piped to `norma repl ARGS` (ARGS from NAME.args,
#     default tests/repl/law.norma), run from the repository root; standard output and
#     error together must equal NAME.out, the exit status NAME.exit (default 0).
#  2. a session through a real pseudo-terminal (tmux): completion, a continuation
#     line, a what-if, an interview, Ctrl-C, history kept across sessions, :reload.
# Usage: run.sh NORMA; ends with "N passed, N failed". Exit 77 (skipped) without tmux.
set -u
norma=$(realpath "${1:?usage: run.sh NORMA}")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
sock="norma-repl-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; tmux -L "$sock-2" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }

# ---- 1. scripts ---------------------------------------------------------------------
for in in tests/repl/cases/*.in; do
  base=${in%.in}; name=$(basename "$base")
  args="tests/repl/law.norma"; [ -f "$base.args" ] && args=$(cat "$base.args")
  exp_exit=0; [ -f "$base.exit" ] && exp_exit=$(cat "$base.exit")
  # shellcheck disable=SC2086
  NORMA_HISTORY="$tmp/nohist" timeout 60 "$norma" repl $args < "$in" > "$tmp/out" 2>&1
  rc=$?
  good=1
  [ "$rc" = "$exp_exit" ] || { bad "$name: exit $rc, expected $exp_exit"; good=0; }
  if ! cmp -s "$tmp/out" "$base.out"; then
    [ $good = 1 ] && bad "$name: output differs"; good=0
    diff "$base.out" "$tmp/out" | head -30
  fi
  [ -e "$tmp/nohist" ] && { bad "$name: a script wrote history"; good=0; }
  [ $good = 1 ] && ok
done

# :reload re-reads a changed file and keeps the facts added by hand (piped; the file
# changes while the session waits for its next line)
cp tests/repl/law.norma "$tmp/law.norma"
{ printf ':assert serious(a)\nguilty(a)\n'; sleep 1
  sed 's/^refused(a, o2)$/refused(b, o1)/' tests/repl/law.norma > "$tmp/law2.norma"
  mv "$tmp/law2.norma" "$tmp/law.norma"
  printf ':reload\nguilty(a)\n:facts\n'; } |
  timeout 60 "$norma" repl "$tmp/law.norma" > "$tmp/out" 2>&1
printf 'added serious(a)\nyes\nreloaded (1 fact by hand kept)\nunknown\n+ serious(a)\n' > "$tmp/exp"
if cmp -s "$tmp/out" "$tmp/exp"; then ok; else bad "reload: output differs"; diff "$tmp/exp" "$tmp/out"; fi

# ---- 2. a session in a pseudo-terminal -----------------------------------------------
if ! command -v tmux > /dev/null; then
  echo "repl: $pass passed, $fail failed (pty session skipped: no tmux)"
  [ $fail = 0 ] && exit 77 || exit 1
fi
hist="$tmp/history"
T() { tmux -L "$sock" "$@"; }
start() {   # start a session on its own server; the pane stays after the program ends
  T new-session -d -x 160 -y 60 \
    "cd '$root' && env NORMA_HISTORY='$hist' TERM=xterm LANG=C.UTF-8 '$norma' repl tests/repl/law.norma; echo \"[exit \$?]\"; sleep 30"
  wait_for 'norma>' 1
}
screen() { T capture-pane -p -S -200 2>/dev/null; }
# wait_for TEXT [N] [GREP-FLAG]: until at least N lines of the screen hold TEXT (-F) or
# match the regular expression TEXT (-E) (5 s at most)
wait_for() {
  local n=${2:-1} how=${3:--F}
  for _ in $(seq 100); do
    [ "$(screen | grep -c "$how" -- "$1")" -ge "$n" ] && return 0
    sleep 0.05
  done
  return 1
}
check() {   # check NAME TEXT [N [-E]]
  if wait_for "$2" "${3:-1}" "${4:--F}"; then ok; else bad "pty $1: no '$2' on the screen"; screen | grep -v "^$" | tail -15; fi
}

start
# completion of a predicate (the '(' comes with it) and of a constant
T send-keys 'gui' Tab; sleep 0.2; T send-keys 'a' Tab; sleep 0.2; T send-keys ')' Enter
check completion 'norma> guilty(a)'
check query '^unknown$' 1 -E
# completion of a command
T send-keys ':mis' Tab; sleep 0.2; T send-keys 'guilty(a)' Enter
check command-completion 'norma> :missing guilty(a)'
check missing 'settles it yes'
# a continuation line
T send-keys 'nsp(' Enter
check continuation-prompt '   ...>'
T send-keys 'x)' Enter
check continued-query 'yes      x = b'
# a what-if
T send-keys ':assert serious(a)' Enter
check assert 'added serious(a)'
T send-keys 'guilty(a)' Enter
check what-if '^yes$' 1 -E
T send-keys ':retract serious(a)' Enter
check retract 'retracted serious(a)'
# an interview: the question, an answer, the explanation
T send-keys ':ask guilty(a)' Enter
check question 'serious(a)? [yes/no/'
T send-keys 'yes' Enter
check interview-explained 'guilty(a) ← rule art286_1'
# an error returns to the prompt; Ctrl-C abandons a line
T send-keys 'gulty(a)' Enter
check error "did you mean 'guilty'?"
T send-keys 'half a line' C-c
sleep 0.2
T send-keys ':case hu' Enter
check after-interrupt 'case: hu'
check case-prompt 'norma[hu]>'
T send-keys ':quit' Enter
check quit '[exit 0]'
# history kept across sessions, written atomically
if grep -q 'gulty(a)' "$hist" 2>/dev/null && ! ls "$tmp" | grep -q 'history.tmp'; then ok; else bad "history file"; fi
T kill-server 2>/dev/null
sock="$sock-2"
start
T send-keys Up
check history-recall 'norma> :quit'
T send-keys C-u C-d
check eof '[exit 0]' 1

echo "repl: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
