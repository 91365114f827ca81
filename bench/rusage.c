/* rusage.c — runs a command and reports its wall time and peak memory, for
 * bench/run.sh (GNU time is not assumed to be installed). Usage:
 *   rusage [-t SECONDS] [-o FILE] COMMAND ARGS...
 * Appends one line "WALL_SECONDS MAXRSS_KB EXIT CPU_SECONDS" to FILE (default stderr); the
 * command's own output is passed through. With -t the command is killed after SECONDS
 * (EXIT is then "timeout"). Peak memory is ru_maxrss of the child (and its children);
 * CPU is its user + system time, less disturbed than wall time on a loaded machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
    if (child > 0)
        kill(-child, SIGKILL);
}

int main(int argc, char **argv)
{
    double limit = 0;
    const char *outp = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc)
            limit = atof(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            outp = argv[++i];
        else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: rusage [-t SECONDS] [-o FILE] COMMAND ARGS...\n");
        return 2;
    }
    double t0 = now();
    child = fork();
    if (child < 0) {
        perror("fork");
        return 2;
    }
    if (child == 0) {
        setpgid(0, 0);
        execvp(argv[i], argv + i);
        fprintf(stderr, "rusage: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    setpgid(child, child);
    if (limit > 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it = {{0, 0}, {(time_t)limit, (suseconds_t)((limit - (double)(time_t)limit) * 1e6)}};
        setitimer(ITIMER_REAL, &it, NULL);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(child, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    }
    double wall = now() - t0;
    FILE *out = outp ? fopen(outp, "a") : stderr;
    if (!out) {
        perror(outp);
        return 2;
    }
    char code[32];
    if (timed_out)
        snprintf(code, sizeof code, "timeout");
    else if (WIFSIGNALED(status))
        snprintf(code, sizeof code, "signal%d", WTERMSIG(status));
    else
        snprintf(code, sizeof code, "%d", WEXITSTATUS(status));
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    fprintf(out, "%.4f %ld %s %.4f\n", wall, ru.ru_maxrss, code, cpu);
    if (outp)
        fclose(out);
    return timed_out ? 124 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
