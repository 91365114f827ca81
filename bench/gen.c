/* gen.c — data generators of the benchmark suite (bench/run.sh), all with fixed seeds
 * so every run sees the same data. Each workload writes, under OUT:
 *   facts/PRED.tsv  fact files for `norma run --facts` ([cli.facts])
 *   facts.lp        the same facts as `pred(a,b).` lines, read by clingo and SWI-Prolog
 *                   (dates as yyyymmdd integers)
 * Usage: gen WORKLOAD OUT [--small]   WORKLOAD: tc_random | tc_chain | sg | join1 |
 *                                               screening | rules10k | facts1m
 * --small: tiny sizes, the same seeds and generators (and, for screening, hand-made
 * boundary cases), for the smoke run of the suite in ctest (`bench/run.sh --smoke`).
 * Without it the output is the full-size data; keep that byte for byte. */
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
static bool small; /* --small */

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
    pairs r = small ? random_pairs(60, 240, 0) : random_pairs(1000, 10000, 0);
    write_pairs("edge", "x", "y", r, lp);
    fclose(lp);
}

static void gen_tc_chain(void)
{
    int n = small ? 40 : 2000;
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
    int n = small ? 60 : 1000, m = small ? 120 : 3000;
    write_pairs("par", "x", "y", random_pairs(n, m, 1), lp);
    write_pairs("sib", "x", "y", random_pairs(n, m, 1), lp);
    fclose(lp);
}

/* OpenRuleBench join1: c2, c3, c4, d1, d2, 50,000 distinct pairs each over 1,000 values. */
static void gen_join1(void)
{
    seed(0x101101101ull);
    FILE *lp = open_out("facts.lp");
    const char *rels[] = {"c2", "c3", "c4", "d1", "d2"};
    for (int i = 0; i < 5; i++) {
        pairs r = small ? random_pairs(30, 150, 0) : random_pairs(1000, 50000, 0);
        write_pairs(rels[i], "x", "y", r, lp);
        free(r.p);
    }
    fclose(lp);
}

/* ---- regulator screening (bench/programs/screening.norma) ---------------------------- */

/* Writes day DAY (0 = 2019-01-01) as YYYY-MM-DD into OUT (11 bytes) and returns it as
 * the integer yyyymmdd, the form of dates in facts.lp. Civil-from-days (H. Hinnant). */
static long date_str(int day, char *out)
{
    long z = day + 17897 + 719468; /* 2019-01-01 is day 17897 since 1970-01-01 */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    sprintf(out, "%04ld-%02ld-%02ld", y, m, d);
    return y * 10000 + m * 100 + d;
}

/* The day number (0 = 2019-01-01) of Y-M-D; days-from-civil (H. Hinnant). */
static int day_of(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 - 17897;
}

/* The screening relations. Each fact goes to its TSV file and, as `pred(args).`, to a
 * temporary file of its predicate; facts.lp is their concatenation, one predicate after
 * another (SWI-Prolog warns about, and is slowed by, clauses that are not together). */
enum { UNIT, PROV, BR, ORD, OD, DL, COR, DIS, LK, LG, NFILES };
static const char *const rel_name[NFILES] = {"Unit", "provides", "breached", "ordered",
                                             "order_duty", "order_deadline", "corrected",
                                             "disseminated", "leaked", "log_record"};
static FILE *sf[NFILES], *lpf[NFILES];

static void put_names(int r, const char *a, const char *b)
{
    fprintf(sf[r], "%s\t%s\n", a, b);
    fprintf(lpf[r], "%s(%s,%s).\n", rel_name[r], a, b);
}

/* r(a, date) or, with b, r(a, b, date) */
static void put_dated(int r, const char *a, const char *b, int day)
{
    char ds[16];
    long dn = date_str(day, ds);
    if (b) {
        fprintf(sf[r], "%s\t%s\t%s\n", a, b, ds);
        fprintf(lpf[r], "%s(%s,%s,%ld).\n", rel_name[r], a, b, dn);
    } else {
        fprintf(sf[r], "%s\t%s\n", a, ds);
        fprintf(lpf[r], "%s(%s,%ld).\n", rel_name[r], a, dn);
    }
}

static void put_item(int r, const char *p, int n, const char *kind, int day)
{
    char ds[16];
    long dn = date_str(day, ds);
    fprintf(sf[r], "%s\t%d\t%s\t%s\n", p, n, kind, ds);
    fprintf(lpf[r], "%s(%s,%d,%s,%ld).\n", rel_name[r], p, n, kind, dn);
}

static void put_log(const char *p, long unretained, long total)
{
    fprintf(sf[LG], "%s\t%ld\t%ld\n", p, unretained, total);
    fprintf(lpf[LG], "log_record(%s,%ld,%ld).\n", p, unretained, total);
}

/* An order to P about DUTY with deadline DL (days), corrected on day COR (< 0: never). */
static void edge_order(const char *o, const char *p, const char *duty, int dl, int cor)
{
    put_dated(ORD, o, p, dl - 30);
    put_names(OD, o, duty);
    put_dated(DL, o, NULL, dl);
    if (cor >= 0)
        put_dated(COR, p, o, cor);
}

/* COUNT items of KIND numbered from *N on, spread evenly over days FROM..TO. */
static void edge_items(int r, const char *p, int *n, const char *kind, int count, int from,
                       int to)
{
    for (int i = 0; i < count; i++) {
        int day = from + (int)((long)i * (to - from) / (count > 1 ? count - 1 : 1));
        put_item(r, p, (*n)++, kind, day);
    }
}

/* Providers made by hand at the boundaries every engine must agree on (small data
 * only): the ends of the two-year windows, from 2020-02-29 too (+/- 2 years is then
 * 02-28: SPEC [sem.date.arith]), `d > dl`, the exact thresholds and conversions, the
 * 9/10 ratio, in-force date 2015-11-01, correction on the deadline, an order about
 * another duty, a unit providing no service. What Norma concludes is in brackets:
 * 8 guilty, 9 circumstance rows. */
static void gen_screening_edges(void)
{
    struct {
        const char *p;
        long unretained; /* of 1,000 users */
    } e[] = {
        {"edge_rep29", 0},     /* dl 2018-02-28, 2019-06-01, 2020-02-29: 3 in 2 years [6, guilty] */
        {"edge_rep27", 0},     /* dl 2018-02-27, 2019-06-01, 2020-02-29: at most 2 [-] */
        {"edge_vid29", 0},     /* dl 2020-02-29; 200 videos to 2022-02-28 [3, guilty] */
        {"edge_vid29_out", 0}, /* 199 to 2022-02-28, one on 2022-03-01 [-] */
        {"edge_vid_dl", 0},    /* 199 videos after dl, one on dl, one past the end [-] */
        {"edge_oth_end", 0},   /* 2,000 others, the last on dl + 2 years [3, guilty] */
        {"edge_mix", 0},       /* 150 videos * 10 + 500 others = 2,000 [3, guilty] */
        {"edge_mix_less", 0},  /* 150 * 10 + 499 = 1,999 [-] */
        {"edge_leak", 0},      /* 400 * 100 + 900 * 10 + 1,000 = 50,000 [4, guilty] */
        {"edge_leak_less", 0}, /* 400 * 100 + 900 * 10 + 999 [-] */
        {"edge_ratio", 900},   /* 900 / 1,000 >= 9/10 [6, guilty] */
        {"edge_ratio_less", 899},
        {"edge_before", 950},  /* refused with dl 2015-10-31, before Art. 286-1 [6] */
        {"edge_in_force", 950}, /* dl 2015-11-01 [6, guilty] */
        {"edge_corr_dl", 1000}, /* corrected on its deadline: not refused [-] */
        {"edge_corr_late", 1000}, /* corrected the day after [6, guilty] */
        {"edge_other_duty", 1000}, /* ordered about a duty it did not breach [-] */
        {"edge_no_service", 1000}, /* provides no service: not a provider [-] */
    };
    const char *d = "stop_transmission";
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        fprintf(sf[UNIT], "%s\n", e[i].p);
        if (strcmp(e[i].p, "edge_no_service") != 0)
            put_names(PROV, e[i].p, "storage");
        put_dated(BR, e[i].p, d, day_of(2015, 1, 1));
        put_log(e[i].p, e[i].unretained, 1000);
    }
    int n = 0, dl = day_of(2019, 3, 10), end = day_of(2021, 3, 10);
    edge_order("oe_rep29_a", "edge_rep29", d, day_of(2018, 2, 28), -1);
    edge_order("oe_rep29_b", "edge_rep29", d, day_of(2019, 6, 1), -1);
    edge_order("oe_rep29_c", "edge_rep29", d, day_of(2020, 2, 29), -1);
    edge_order("oe_rep27_a", "edge_rep27", d, day_of(2018, 2, 27), -1);
    edge_order("oe_rep27_b", "edge_rep27", d, day_of(2019, 6, 1), -1);
    edge_order("oe_rep27_c", "edge_rep27", d, day_of(2020, 2, 29), -1);

    edge_order("oe_vid29", "edge_vid29", d, day_of(2020, 2, 29), -1);
    edge_items(DIS, "edge_vid29", &n, "video", 1, day_of(2020, 2, 29), 0);
    edge_items(DIS, "edge_vid29", &n, "video", 199, day_of(2020, 3, 1), day_of(2022, 2, 27));
    edge_items(DIS, "edge_vid29", &n, "video", 1, day_of(2022, 2, 28), 0);
    edge_items(DIS, "edge_vid29", &n, "video", 3, day_of(2022, 3, 1), day_of(2022, 3, 3));

    n = 0;
    edge_order("oe_vid29_out", "edge_vid29_out", d, day_of(2020, 2, 29), -1);
    edge_items(DIS, "edge_vid29_out", &n, "video", 199, day_of(2020, 3, 1), day_of(2022, 2, 28));
    edge_items(DIS, "edge_vid29_out", &n, "video", 1, day_of(2022, 3, 1), 0);

    n = 0;
    edge_order("oe_vid_dl", "edge_vid_dl", d, dl, -1);
    edge_items(DIS, "edge_vid_dl", &n, "video", 1, dl, 0);
    edge_items(DIS, "edge_vid_dl", &n, "video", 199, dl + 1, end);
    edge_items(DIS, "edge_vid_dl", &n, "video", 1, end + 1, 0);

    n = 0;
    edge_order("oe_oth_end", "edge_oth_end", d, dl, -1);
    edge_items(DIS, "edge_oth_end", &n, "other", 1999, dl + 1, end - 1);
    edge_items(DIS, "edge_oth_end", &n, "other", 1, end, 0);
    edge_items(DIS, "edge_oth_end", &n, "other", 5, end + 1, end + 5);

    const char *mix[] = {"edge_mix", "edge_mix_less"};
    const char *mix_o[] = {"oe_mix", "oe_mix_less"};
    for (int i = 0; i < 2; i++) {
        n = 0;
        edge_order(mix_o[i], mix[i], d, dl, -1);
        edge_items(DIS, mix[i], &n, "video", 150, dl + 1, end);
        edge_items(DIS, mix[i], &n, "other", 500 - i, dl + 1, end);
    }
    const char *leak[] = {"edge_leak", "edge_leak_less"};
    const char *leak_o[] = {"oe_leak", "oe_leak_less"};
    for (int i = 0; i < 2; i++) {
        n = 0;
        edge_order(leak_o[i], leak[i], d, dl, -1);
        edge_items(LK, leak[i], &n, "sensitive", 400, dl + 1, end);
        edge_items(LK, leak[i], &n, "personal", 900, dl + 1, end);
        edge_items(LK, leak[i], &n, "other_info", 1000 - i, dl + 1, end);
    }
    edge_order("oe_ratio", "edge_ratio", d, day_of(2020, 6, 1), -1);
    edge_order("oe_ratio_less", "edge_ratio_less", d, day_of(2020, 6, 1), -1);
    edge_order("oe_before", "edge_before", d, day_of(2015, 10, 31), -1);
    edge_order("oe_in_force", "edge_in_force", d, day_of(2015, 11, 1), -1);
    edge_order("oe_corr_dl", "edge_corr_dl", d, dl, dl);
    edge_order("oe_corr_late", "edge_corr_late", d, dl, dl + 1);
    edge_order("oe_other_duty", "edge_other_duty", "verify_identity", dl, -1);
    edge_order("oe_no_service", "edge_no_service", d, dl, -1);
}

static void gen_screening(void)
{
    seed(0x5c12ee41ull);
    /* small: few providers, more of them heavy, so that the thresholds still fire */
    const int np = small ? 50 : 20000, heavy_one_in = small ? 10 : 50;
    const char *services[] = {"network_access", "storage", "transmission", "instant_messaging",
                              "online_shopping", "online_gaming", "live_streaming",
                              "search_engine", "e_government", "finance"};
    const char *duties[] = {"retain_logs", "verify_identity", "stop_transmission",
                            "protect_user_info"};
    const char *leak_kinds[] = {"sensitive", "personal", "other_info"};
    const char *headers[NFILES] = {"name", "p\ts", "p\td\tsince", "o\tp\td", "o\tduty", "o\tdl",
                                   "p\to\td", "p\tn\tk\td", "p\tn\tk\td", "p\tunretained\ttotal"};
    for (int i = 0; i < NFILES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "facts/%s.tsv", rel_name[i]);
        sf[i] = open_out(rel);
        fprintf(sf[i], "%s\n", headers[i]);
        if (!(lpf[i] = tmpfile())) {
            perror("tmpfile");
            exit(2);
        }
    }
    long norders = 0, ndis = 0, nlk = 0;
    const int span = 5 * 365; /* 2019-01-01 .. 2023-12-31 */
    /* The order of the rng() calls below fixes the data: keep it. */
    for (int p = 0; p < np; p++) {
        char name[16];
        snprintf(name, sizeof name, "p%05d", p);
        fprintf(sf[UNIT], "%s\n", name);
        int ns = 1 + (int)below(3), s0 = (int)below(10);
        for (int i = 0; i < ns; i++)
            put_names(PROV, name, services[(s0 + i * 3) % 10]);
        bool heavy = below((uint64_t)heavy_one_in) == 0;
        /* duties breached and the orders served about them (some about other duties) */
        if (below(10) < 4) {
            int nb = 1 + (int)below(2), b0 = (int)below(4);
            for (int i = 0; i < nb; i++)
                put_dated(BR, name, duties[(b0 + i) % 4], 300 + (int)below(span - 600));
            int no = 1 + (int)below(5);
            int day = 330 + (int)below(400);
            for (int i = 0; i < no; i++) {
                char o[24];
                snprintf(o, sizeof o, "o%07ld", norders++);
                put_dated(ORD, o, name, day);
                put_names(OD, o, duties[(b0 + (below(5) == 0 ? 2 : 0)) % 4]);
                int deadline = day + 15 + (int)below(45);
                put_dated(DL, o, NULL, deadline);
                uint64_t c = below(10);
                if (c < 4) /* corrected: in time (3 in 4) or late */
                    put_dated(COR, name, o,
                              c < 3 ? deadline - (int)below(10) : deadline + 1 + (int)below(30));
                day += 30 + (int)below(300);
            }
        }
        /* disseminated items: ~6,000,000 rows. One provider in fifty is heavy: 8,000
         * items within 18 months (many meet Art. 3's thresholds), the others ~143
         * spread over five years. Items are numbered per provider: n is a key of the
         * provider's items, so counting rows of a provider counts distinct n. */
        int c0 = 365 + (int)below(3 * 365);
        int nd = heavy ? 8000 : 73 + (int)below(141);
        for (int i = 0; i < nd; i++) {
            int day = heavy ? c0 + (int)below(540) : (int)below(span);
            put_item(DIS, name, i, below(100) < 12 ? "video" : "other", day);
        }
        ndis += nd;
        /* leaked records: ~3,000,000 rows; heavy providers 5,000 within a year */
        int nl = heavy ? 5000 : 1 + (int)below(101);
        for (int i = 0; i < nl; i++) {
            uint64_t k = below(100);
            int day = heavy ? c0 + (int)below(365) : (int)below(span);
            int kind = heavy ? (k < 12 ? 0 : k < 42 ? 1 : 2) : (k < 5 ? 0 : k < 30 ? 1 : 2);
            put_item(LK, name, i, leak_kinds[kind], day);
        }
        nlk += nl;
        long total = 1000 + (long)below(99000);
        long un = below(20) == 0 ? total - (long)below((uint64_t)total / 10 + 1) : (long)below((uint64_t)total);
        put_log(name, un, total);
    }
    if (small)
        gen_screening_edges();
    FILE *lp = open_out("facts.lp");
    for (int i = 0; i < NFILES; i++) {
        fclose(sf[i]);
        rewind(lpf[i]);
        char buf[1 << 16];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, lpf[i])) > 0)
            fwrite(buf, 1, got, lp);
        fclose(lpf[i]);
    }
    if (fclose(lp) != 0) {
        perror("facts.lp");
        exit(2);
    }
    fprintf(stderr, "screening: %d providers, %ld orders, %ld disseminated rows, %ld leaked rows%s\n",
            np, norders, ndis, nlk, small ? " (and the edge cases)" : "");
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
    if (argc == 4 && !strcmp(argv[3], "--small"))
        small = true;
    else if (argc != 3) {
        fprintf(stderr, "usage: gen tc_random|tc_chain|sg|join1|screening|rules10k|facts1m OUT"
                        " [--small]\n");
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
