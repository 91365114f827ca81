/* repl.h — `norma repl`: the interactive session ([cli.repl]), driven through
 * engine/norma.h only. main.c hands it the arguments after the command name. */
#ifndef NM_CLI_REPL_H
#define NM_CLI_REPL_H

#include <stdbool.h>

/* Runs a session over the rule files in argv (options as [cli.repl] lists them).
 * Interactive when standard input is a terminal (line editing, history, completion);
 * otherwise reads commands as a script, without prompts. Returns the exit status:
 * 0, or 1 when some command of a script failed, 2 for a usage error. color: the
 * --color decision for standard output; an interactive session only colours. */
int nm_repl_main(int argc, char **argv, bool color);

#endif
