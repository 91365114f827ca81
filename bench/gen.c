/* gen.c — data generators of the benchmark suite (bench/run.sh), all with fixed seeds
 * so every run sees the same data. Each workload writes, under OUT:
 *   facts/PRED.tsv  fact files for `norma run --facts` ([cli.facts])
 *   facts.lp        the same facts as `pred(a,b).` lines, read by clingo and SWI-Prolog
 * Usage: gen WORKLOAD OUT   WORKLOAD: tc_random | tc_chain | sg | join1 | screening |
 *                                     rules10k | facts1m */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_state;

static void seed(uint64_t s) { rng_state = s ? s : 0x2545f4914f6cdd1dull; }

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t below(uint64_t n) { return rng() % n; }

static const char *out_dir;

static void mkdirs(const char *p)
{
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        perror(p);
        exit(2);
    }
}

static FILE *open_out(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, rel);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    setvbuf(f, malloc(1 << 16), _IOFBF, 1 << 16); /* never freed: a short-lived tool */
    return f;
}

/* A binary relation of distinct pairs over 0..n-1, written as TSV and as LP facts. */
typedef struct pairs {
    int n;
    long len;
    int (*p)[2];
} pairs;

static pairs random_pairs(int n, long m, int no_loops)
{
    pairs r = {n, 0, malloc(sizeof(int[2]) * (size_t)m)};
    unsigned char *seen = calloc((size_t)n * (size_t)n / 8 + 1, 1);
    while (r.len < m) {
        int a = (int)below((uint64_t)n), b = (int)below((uint64_t)n);
        if (no_loops && a == b)
            continue;
        size_t k = (size_t)a * (size_t)n + (size_t)b;
        if (seen[k / 8] & (1u << (k % 8)))
            continue;
        seen[k / 8] |= (unsigned char)(1u << (k % 8));
        r.p[r.len][0] = a;
        r.p[r.len][1] = b;
        r.len++;
    }
    free(seen);
    return r;
}

static void write_pairs(const char *pred, const char *c1, const char *c2, pairs r, FILE *lp)
{
    char rel[256];
    snprintf(rel, sizeof rel, "facts/%s.tsv", pred);
    FILE *t = open_out(rel);
    fprintf(t, "%s\t%s\n", c1, c2);
    for (long i = 0; i < r.len; i++) {
        fprintf(t, "%d\t%d\n", r.p[i][0], r.p[i][1]);
        fprintf(lp, "%s(%d,%d).\n", pred, r.p[i][0], r.p[i][1]);
    }
    fclose(t);
}

static void gen_tc_random(void)
{
    seed(0x2545f4914f6cdd1dull);
    FILE *lp = open_out("facts.lp");
    write_pairs("edge", "x", "y", random_pairs(1000, 10000, 0), lp);
    fclose(lp);
}

static void gen_tc_chain(void)
{
    int n = 2000;
    pairs r = {n, n - 1, malloc(sizeof(int[2]) * (size_t)n)};
    for (int i = 0; i + 1 < n; i++) {
        r.p[i][0] = i;
        r.p[i][1] = i + 1;
    }
    FILE *lp = open_out("facts.lp");
    write_pairs("edge", "x", "y", r, lp);
    fclose(lp);
}

/* OpenRuleBench same-generation: par(child, parent) and sib pairs over 1,000 nodes. */
static void gen_sg(void)
{
    seed(0x5a17e5a17e5ull);
    FILE *lp = open_out("facts.lp");
    write_pairs("par", "x", "y", random_pairs(1000, 3000, 1), lp);
    write_pairs("sib", "x", "y", random_pairs(1000, 3000, 1), lp);
    fclose(lp);
}

/* OpenRuleBench join1: c2, c3, c4, d1, d2, 50,000 distinct pairs each over 1,000 values. */
static void gen_join1(void)
{
    seed(0x101101101ull);
    FILE *lp = open_out("facts.lp");
    const char *rels[] = {"c2", "c3", "c4", "d1", "d2"};
    for (int i = 0; i < 5; i++) {
        pairs r = random_pairs(1000, 50000, 0);
        write_pairs(rels[i], "x", "y", r, lp);
        free(r.p);
    }
    fclose(lp);
}

/* ---- regulator screening (bench/programs/screening.norma) ---------------------------- */

static void date_str(int day, char *out)
{
    /* day 0 = 2019-01-01; civil-from-days (H. Hinnant) */
    long z = day + 17897 + 719468; /* 2019-01-01 is day 17897 since 1970-01-01 */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    sprintf(out, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

static void gen_screening(void)
{
    seed(0x5c12ee41ull);
    const int np = 20000;
    const char *services[] = {"network_access", "storage", "transmission", "instant_messaging",
                              "online_shopping", "online_gaming", "live_streaming",
                              "search_engine", "e_government", "finance"};
    const char *duties[] = {"retain_logs", "verify_identity", "stop_transmission",
                            "protect_user_info"};
    const char *leak_kinds[] = {"sensitive", "personal", "other_info"};
    FILE *unit = open_out("facts/Unit.tsv");
    FILE *prov = open_out("facts/provides.tsv");
    FILE *br = open_out("facts/breached.tsv");
    FILE *ord = open_out("facts/ordered.tsv");
    FILE *od = open_out("facts/order_duty.tsv");
    FILE *dl = open_out("facts/order_deadline.tsv");
    FILE *cor = open_out("facts/corrected.tsv");
    FILE *dis = open_out("facts/disseminated.tsv");
    FILE *lk = open_out("facts/leaked.tsv");
    FILE *lg = open_out("facts/log_record.tsv");
    fputs("name\n", unit);
    fputs("p\ts\n", prov);
    fputs("p\td\tsince\n", br);
    fputs("o\tp\td\n", ord);
    fputs("o\tduty\n", od);
    fputs("o\tdl\n", dl);
    fputs("p\to\td\n", cor);
    fputs("p\tn\tk\td\n", dis);
    fputs("p\tn\tk\td\n", lk);
    fputs("p\tunretained\ttotal\n", lg);
    long norders = 0, ndis = 0, nlk = 0;
    char d1[16], d2[16];
    const int span = 5 * 365; /* 2019-01-01 .. 2023-12-31 */
    for (int p = 0; p < np; p++) {
        char name[16];
        snprintf(name, sizeof name, "p%05d", p);
        fprintf(unit, "%s\n", name);
        int ns = 1 + (int)below(3), s0 = (int)below(10);
        for (int i = 0; i < ns; i++)
            fprintf(prov, "%s\t%s\n", name, services[(s0 + i * 3) % 10]);
        bool heavy = below(50) == 0;
        /* duties breached and the orders served about them (some about other duties) */
        if (below(10) < 4) {
            int nb = 1 + (int)below(2), b0 = (int)below(4);
            for (int i = 0; i < nb; i++) {
                date_str(300 + (int)below(span - 600), d1);
                fprintf(br, "%s\t%s\t%s\n", name, duties[(b0 + i) % 4], d1);
            }
            int no = 1 + (int)below(5);
            int day = 330 + (int)below(400);
            for (int i = 0; i < no; i++) {
                char o[24];
                snprintf(o, sizeof o, "o%07ld", norders++);
                date_str(day, d1);
                fprintf(ord, "%s\t%s\t%s\n", o, name, d1);
                fprintf(od, "%s\t%s\n", o, duties[(b0 + (below(5) == 0 ? 2 : 0)) % 4]);
                int deadline = day + 15 + (int)below(45);
                date_str(deadline, d2);
                fprintf(dl, "%s\t%s\n", o, d2);
                uint64_t c = below(10);
                if (c < 4) { /* corrected: in time (3 in 4) or late */
                    date_str(c < 3 ? deadline - (int)below(10) : deadline + 1 + (int)below(30), d2);
                    fprintf(cor, "%s\t%s\t%s\n", name, o, d2);
                }
                day += 30 + (int)below(300);
            }
        }
        /* disseminated items: ~6,000,000 rows. One provider in fifty is heavy: 8,000
         * items within 18 months (many meet Art. 3's thresholds), the others ~143
         * spread over five years. */
        int c0 = 365 + (int)below(3 * 365);
        int nd = heavy ? 8000 : 73 + (int)below(141);
        for (int i = 0; i < nd; i++) {
            date_str(heavy ? c0 + (int)below(540) : (int)below(span), d1);
            fprintf(dis, "%s\t%d\t%s\t%s\n", name, i, below(100) < 12 ? "video" : "other", d1);
        }
        ndis += nd;
        /* leaked records: ~3,000,000 rows; heavy providers 5,000 within a year */
        int nl = heavy ? 5000 : 1 + (int)below(101);
        for (int i = 0; i < nl; i++) {
            uint64_t k = below(100);
            date_str(heavy ? c0 + (int)below(365) : (int)below(span), d1);
            int kind = heavy ? (k < 12 ? 0 : k < 42 ? 1 : 2) : (k < 5 ? 0 : k < 30 ? 1 : 2);
            fprintf(lk, "%s\t%d\t%s\t%s\n", name, i, leak_kinds[kind], d1);
        }
        nlk += nl;
        long total = 1000 + (long)below(99000);
        long un = below(20) == 0 ? total - (long)below((uint64_t)total / 10 + 1) : (long)below((uint64_t)total);
        fprintf(lg, "%s\t%ld\t%ld\n", name, un, total);
    }
    FILE *fs[] = {unit, prov, br, ord, od, dl, cor, dis, lk, lg};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++)
        fclose(fs[i]);
    fprintf(stderr, "screening: %d providers, %ld orders, %ld disseminated rows, %ld leaked rows\n",
            np, norders, ndis, nlk);
}

/* ---- a generated rule file of 10,000 lines, for parse-and-check time ---------------- */

static void gen_rules10k(void)
{
    FILE *f = open_out("rules10k.norma");
    fputs("module rules10k\n"
          "source 规则集 \"生成的规则集\" rank 部门规章 in_force 2020-01-01:\n"
          "  articles 第1条 .. 第1000条\n"
          "type Kind = enum { a \"甲\" en \"a\", b \"乙\" en \"b\", c \"丙\" en \"c\" }\n"
          "pred e0(x: int, y: int) input\n"
          "pred q0(x: int, y: int)\n"
          "rule r0 [规则集 第1条]:\n"
          "  q0(x, y) if e0(x, y)\n"
          "\n",
          f);
    int lines = 9;
    for (int i = 1; lines + 10 <= 10000; i++) {
        fprintf(f, "# 第%d组：生成的谓词与规则\n", i);
        fprintf(f, "pred e%d(x: int, y: int, k: Kind) input zh \"{x}与{y}有{k}关系\" en \"{x} relates to {y} ({k})\"\n", i);
        fprintf(f, "pred q%d(x: int, y: int) zh \"{x}可达{y}\" en \"{x} reaches {y}\"\n", i);
        fprintf(f, "rule a%d [规则集 第%d条]:\n  q%d(x, y) if e%d(x, y, k) and x != y and k in {a, b}\n", i,
                i % 1000 + 1, i, i);
        fprintf(f, "rule b%d [规则集 第%d条]:\n  q%d(x, z) if q%d(x, y) and e%d(y, z, _) and not q%d(z, x)\n",
                i, (i * 7) % 1000 + 1, i, i, i, i - 1);
        fprintf(f, "rule c%d [规则集 第%d条]:\n  q%d(x, y) if q%d(x, y) and x + y > %d\n\n", i,
                (i * 13) % 1000 + 1, i, i - 1, i % 50);
        lines += 10;
    }
    while (lines < 10000) {
        fputs("# padding\n", f);
        lines++;
    }
    fclose(f);
}

/* ---- 1,000,000 facts for the explain / query measurement --------------------------- */

static void gen_facts1m(void)
{
    seed(0xfac751ull);
    FILE *f = open_out("facts/link.tsv");
    fputs("x\ty\n", f);
    /* a forest of depth-4 chains: 1,000,000 edges, node i -> node i/8 + 1,000,000 ... */
    for (long i = 0; i < 1000000; i++)
        fprintf(f, "%ld\t%ld\n", i, 1000000 + (long)below(250000));
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen tc_random|tc_chain|sg|join1|screening|rules10k|facts1m OUT\n");
        return 2;
    }
    out_dir = argv[2];
    mkdirs(out_dir);
    char facts[4096];
    snprintf(facts, sizeof facts, "%s/facts", out_dir);
    mkdirs(facts);
    const char *w = argv[1];
    if (!strcmp(w, "tc_random"))
        gen_tc_random();
    else if (!strcmp(w, "tc_chain"))
        gen_tc_chain();
    else if (!strcmp(w, "sg"))
        gen_sg();
    else if (!strcmp(w, "join1"))
        gen_join1();
    else if (!strcmp(w, "screening"))
        gen_screening();
    else if (!strcmp(w, "rules10k"))
        gen_rules10k();
    else if (!strcmp(w, "facts1m"))
        gen_facts1m();
    else {
        fprintf(stderr, "gen: unknown workload '%s'\n", w);
        return 2;
    }
    return 0;
}
