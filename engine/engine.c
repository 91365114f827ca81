/* engine.c — the nm_engine handle behind norma.h: reads files and directories,
 * resolves `use` through the search path (using file's directory, --path dirs, the
 * bundled stdlib), detects module cycles, and hands the parsed files to the checker.
 * Everything the CLI does goes through here. */
#include "norma.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <gc.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ast.h"
#include "check.h"
#include "diag.h"
#include "engine_int.h"
#include "mem.h"

/* The collector's heap starts at 32 MB of address space (pages are touched only as
 * they are used) — why: from the default 64 KB, loading a large rule file or fact set
 * ran ten collections while the heap grew, with nearly everything live each time
 * (a tenth of the time of `norma check` on 10,000 lines). GC_INITIAL_HEAP_SIZE in the
 * environment still overrides it. */
#define NM_INITIAL_HEAP (32u << 20)

/* The collector's warnings ("Repeated allocation of very large block", printed when a
 * million-row relation grows) are advice to the programmer, not to the user: they go
 * nowhere unless NORMA_GC_WARNINGS is set. An allocation that fails still aborts with
 * a message (mem.c). */
static void gc_warning(char *msg, GC_word arg)
{
    static int shown = -1;
    if (shown < 0)
        shown = getenv("NORMA_GC_WARNINGS") != NULL;
    if (shown)
        fprintf(stderr, msg, (unsigned long)arg);
}

/* Asks for transparent huge pages on the anonymous memory mapping that holds p — why:
 * `norma check` of a 10,000-line file touches ~20 MB of fresh heap, and its ~5,000
 * page faults of 4 KB took a quarter of its time on the benchmark machine; in 2 MB
 * pages the heap needs about ten. Only a hint (Linux, THP in "madvise" or "always"
 * mode); elsewhere, or when the kernel declines, nothing changes. */
static void advise_huge_pages(const void *p)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, maps) > 0) {
        unsigned long lo, hi;
        char perms[8];
        int name = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &name) < 3)
            continue;
        if (lo <= (unsigned long)p && (unsigned long)p < hi) {
            if (strncmp(perms, "rw", 2) == 0 && (name == 0 || line[name] == '\0' ||
                                                 line[name] == '\n'))
                madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
            break;
        }
    }
    free(line);
    fclose(maps);
#else
    (void)p;
#endif
}

void nm_init(void)
{
    GC_INIT();
    GC_set_warn_proc(gc_warning);
    if (!getenv("GC_INITIAL_HEAP_SIZE") && GC_get_heap_size() < NM_INITIAL_HEAP) {
        GC_expand_hp(NM_INITIAL_HEAP - GC_get_heap_size());
        /* a block larger than the collector's first heap comes from the new one */
        void *probe = GC_MALLOC_ATOMIC(256u << 10);
        if (probe) {
            advise_huge_pages(probe);
            GC_FREE(probe);
        }
    }
}

void nm_set_color(bool on) { nm_diags_set_color(on); }

static const char *default_stdlib(void)
{
    const char *env = getenv("NORMA_STDLIB");
    if (env && *env)
        return env;
    /* <dir of the executable>/../stdlib when installed beside it, else the source tree */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *cand = nm_sprintf("%s/../stdlib", exe);
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode))
                return cand;
        }
    }
#ifdef NORMA_SOURCE_STDLIB
    return NORMA_SOURCE_STDLIB;
#else
    return "stdlib";
#endif
}

nm_engine *nm_engine_new(void)
{
    nm_engine *e = nm_alloc(sizeof *e);
    e->diags = nm_diags_new();
    e->stdlib = default_stdlib();
    return e;
}

void nm_engine_free(nm_engine *e)
{
    if (!e)
        return;
    e->files.n = 0;
    e->program = NULL;
}

void nm_engine_add_search_path(nm_engine *e, const char *dir)
{
    nm_vec_push(&e->search, nm_strdup(dir));
}

void nm_engine_set_stdlib(nm_engine *e, const char *dir) { e->stdlib = nm_strdup(dir); }

static nm_span nowhere(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

static const char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    if (slash == path)
        return "/";
    return nm_strndup(path, (size_t)(slash - path));
}

/* The module name a file declares, or its base name without ".norma". */
static void module_name(loaded *l, const char *path)
{
    for (int i = 0; i < l->ast->decls.n; i++) {
        nm_node *d = l->ast->decls.items[i];
        if (d->kind == NM_N_MODULE) {
            l->module = d->u.name.text;
            l->module_span = d->span;
            return;
        }
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".norma") == 0)
        n -= 6;
    l->module = nm_strndup(base, n);
}

static loaded *find_module(nm_engine *e, const char *name)
{
    for (int i = 0; i < e->files.n; i++) {
        loaded *l = e->files.items[i];
        if (strcmp(l->module, name) == 0)
            return l;
    }
    return NULL;
}

static loaded *find_realpath(nm_engine *e, const char *rp)
{
    for (int i = 0; i < e->files.n; i++) {
        loaded *l = e->files.items[i];
        if (*rp && strcmp(l->realpath, rp) == 0)
            return l;
    }
    return NULL;
}

/* Reads a whole file into a collected buffer. On failure returns NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nm_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nm_buf_putn(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    if (!b.data)
        b.data = nm_strdup("");
    return b.data;
}

static loaded *add_source(nm_engine *e, const char *path, const char *text, size_t len,
                          const char *rp)
{
    nm_srcfile *src = nm_alloc(sizeof *src);
    src->path = nm_strdup(path);
    src->text = text;
    src->len = len;
    loaded *l = nm_alloc(sizeof *l);
    l->ast = nm_parse(src, e->diags, 0);
    l->realpath = rp;
    l->dir = dir_of(path);
    module_name(l, path);
    loaded *other = find_module(e, l->module);
    if (other) {
        nm_diag *d = nm_error(e->diags, l->module_span.file ? l->module_span : nowhere(),
                              "E-dup-module", "module '%s' is defined twice", l->module);
        nm_diag_note(d, NM_SEV_NOTE, NULL, "also defined by %s", other->ast->src->path);
    }
    nm_vec_push(&e->files, l);
    return l;
}

static void resolve_uses(nm_engine *e, loaded *l);

static loaded *load_file(nm_engine *e, const char *path, const nm_span *from)
{
    char rpbuf[PATH_MAX];
    const char *rp = realpath(path, rpbuf) ? nm_strdup(rpbuf) : "";
    loaded *seen = find_realpath(e, rp);
    if (seen)
        return seen;
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        nm_error(e->diags, from ? *from : nowhere(), "E-read", "cannot read '%s': %s", path,
                 strerror(errno));
        e->unreadable = true;
        return NULL;
    }
    loaded *l = add_source(e, path, text, len, rp);
    resolve_uses(e, l);
    return l;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line of a .normafmtignore file: a pattern for paths relative to base, the
 * directory holding the file (see nm_collect_norma_files). */
typedef struct ignore_pat {
    const char *base;
    size_t base_len;
    const char *pat;
    bool dir_only;          /* the pattern ended in '/' */
} ignore_pat;

/* Appends the patterns of dir/.normafmtignore, if there is one, to pats. */
static void read_ignore_file(const char *dir, nm_vec *pats)
{
    FILE *f = fopen(nm_sprintf("%s/%s", dir, NM_FMT_IGNORE_FILE), "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            n--;
        size_t start = 0;
        while ((ssize_t)start < n && (line[start] == ' ' || line[start] == '\t'))
            start++;
        if ((ssize_t)start == n || line[start] == '#')
            continue;
        ignore_pat *ip = nm_alloc(sizeof *ip);
        ip->base = dir;
        ip->base_len = strlen(dir);
        ip->dir_only = line[n - 1] == '/';
        ip->pat = nm_strndup(line + start, (size_t)n - start - ip->dir_only);
        nm_vec_push(pats, ip);
    }
    free(line);
    fclose(f);
}

static bool is_ignored(const nm_vec *pats, const char *path, bool is_dir)
{
    for (int i = 0; i < pats->n; i++) {
        const ignore_pat *ip = pats->items[i];
        if (ip->dir_only && !is_dir)
            continue;
        if (strncmp(path, ip->base, ip->base_len) != 0 || path[ip->base_len] != '/')
            continue;
        if (fnmatch(ip->pat, path + ip->base_len + 1, FNM_PATHNAME) == 0)
            return true;
    }
    return false;
}

static void collect(const char *dir, nm_vec *out, nm_vec *pats, nm_vec *unreadable)
{
    DIR *d = opendir(dir);
    if (!d) {
        nm_vec_push(unreadable, nm_sprintf("cannot read directory '%s': %s", dir, strerror(errno)));
        return;
    }
    nm_vec names = {0};
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        nm_vec_push(&names, nm_strdup(ent->d_name));
    }
    closedir(d);
    if (names.n)    /* names.items is NULL when empty: qsort must not see it */
        qsort(names.items, (size_t)names.n, sizeof(void *), cmp_str);
    int npats = pats ? pats->n : 0;
    if (pats)
        read_ignore_file(dir, pats);
    for (int i = 0; i < names.n; i++) {
        const char *p = nm_sprintf("%s/%s", dir, (char *)names.items[i]);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        bool is_dir = S_ISDIR(st.st_mode);
        if (pats && is_ignored(pats, p, is_dir))
            continue;
        size_t n = strlen(p);
        if (is_dir)
            collect(p, out, pats, unreadable);
        else if (n > 6 && strcmp(p + n - 6, ".norma") == 0)
            nm_vec_push(out, (void *)p);
    }
    if (pats)
        pats->n = npats;    /* a directory's patterns apply below it only */
}

/* Collects *.norma files under dir, recursively, sorted by path (engine_int.h). */
void nm_collect_norma_files(const char *dir, nm_vec *out, bool fmt_ignore, nm_vec *unreadable)
{
    nm_vec pats = {0};
    collect(dir, out, fmt_ignore ? &pats : NULL, unreadable);
}

bool nm_engine_load_path(nm_engine *e, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            n--;
        nm_vec files = {0};
        DIR *d = opendir(path);     /* an unreadable directory is not an empty one */
        if (!d) {
            nm_error(e->diags, nowhere(), "E-read", "cannot read '%s': %s", path, strerror(errno));
            e->unreadable = true;
            return false;
        }
        closedir(d);
        nm_vec unreadable = {0};
        nm_collect_norma_files(nm_strndup(path, n), &files, false, &unreadable);
        for (int i = 0; i < unreadable.n; i++) {
            nm_error(e->diags, nowhere(), "E-read", "%s", (char *)unreadable.items[i]);
            e->unreadable = true;
        }
        if (files.n == 0) {
            if (unreadable.n == 0)
                nm_error(e->diags, nowhere(), "E-read", "no .norma files in directory '%s'", path);
            e->unreadable = true;
            return false;
        }
        bool ok = unreadable.n == 0;
        for (int i = 0; i < files.n; i++)
            ok &= load_file(e, files.items[i], NULL) != NULL;
        return ok;
    }
    return load_file(e, path, NULL) != NULL;
}

bool nm_engine_load_string(nm_engine *e, const char *name, const char *text)
{
    loaded *l = add_source(e, name, nm_strdup(text), strlen(text), "");
    resolve_uses(e, l);
    return true;
}

/* Finds the file of module `name` on the search path of l. */
static const char *search_module(nm_engine *e, loaded *l, const char *name, nm_vec *tried)
{
    char *rel = nm_sprintf("%s.norma", name);
    for (char *p = rel; *p; p++)
        if (*p == '.' && strcmp(p, ".norma") != 0)
            *p = '/';
    nm_vec dirs = {0};
    nm_vec_push(&dirs, (void *)l->dir);
    for (int i = 0; i < e->search.n; i++)
        nm_vec_push(&dirs, e->search.items[i]);
    nm_vec_push(&dirs, (void *)e->stdlib);
    for (int i = 0; i < dirs.n; i++) {
        const char *cand = nm_sprintf("%s/%s", (char *)dirs.items[i], rel);
        nm_vec_push(tried, (void *)cand);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
            return cand;
    }
    return NULL;
}

static void resolve_uses(nm_engine *e, loaded *l)
{
    for (int i = 0; i < l->ast->decls.n; i++) {
        nm_node *d = l->ast->decls.items[i];
        if (d->kind != NM_N_USE)
            continue;
        const char *name = d->u.name.text;
        if (find_module(e, name))
            continue;
        nm_vec tried = {0};
        const char *path = search_module(e, l, name, &tried);
        if (!path) {
            nm_diag *dg = nm_error(e->diags, d->u.name.span, "E-no-module",
                                   "cannot find module '%s'", name);
            nm_buf b = {0};
            for (int j = 0; j < tried.n; j++)
                nm_buf_printf(&b, "%s%s", j ? ", " : "", (char *)tried.items[j]);
            nm_diag_note(dg, NM_SEV_NOTE, NULL, "looked for %s", nm_buf_str(&b));
            continue;
        }
        loaded *m = load_file(e, path, &d->u.name.span);
        if (m && strcmp(m->module, name) != 0) {
            nm_error(e->diags, d->u.name.span, "E-module-name",
                     "file '%s' declares module '%s', not '%s'", path, m->module, name);
        }
    }
}

/* Reports each cycle of `use` once, at the use that closes it, with the chain. */
static void check_use_cycles(nm_engine *e)
{
    int n = e->files.n;
    int *state = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    memset(state, 0, sizeof(int) * (size_t)(n + 1));
    int *stack = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    /* iterative DFS would be longer; module graphs are small, so recursion via an
     * explicit path array is enough */
    for (int root = 0; root < n; root++) {
        if (state[root])
            continue;
        int depth = 0;
        stack[depth++] = root;
        int *next = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
        memset(next, 0, sizeof(int) * (size_t)(n + 1));
        state[root] = 1;
        while (depth > 0) {
            int cur = stack[depth - 1];
            loaded *l = e->files.items[cur];
            bool pushed = false;
            while (next[cur] < l->ast->decls.n && !pushed) {
                nm_node *d = l->ast->decls.items[next[cur]++];
                if (d->kind != NM_N_USE)
                    continue;
                loaded *m = find_module(e, d->u.name.text);
                if (!m)
                    continue;
                int mi = 0;
                while (e->files.items[mi] != m)
                    mi++;
                if (state[mi] == 1) {
                    nm_buf b = {0};
                    int k = 0;
                    while (stack[k] != mi)
                        k++;
                    for (; k < depth; k++)
                        nm_buf_printf(&b, "%s -> ", ((loaded *)e->files.items[stack[k]])->module);
                    nm_buf_puts(&b, m->module);
                    nm_diag *dg = nm_error(e->diags, d->u.name.span, "E-use-cycle",
                                           "module '%s' uses itself", m->module);
                    nm_diag_note(dg, NM_SEV_NOTE, NULL, "cycle: %s", nm_buf_str(&b));
                } else if (state[mi] == 0) {
                    state[mi] = 1;
                    stack[depth++] = mi;
                    pushed = true;
                }
            }
            if (!pushed) {
                state[cur] = 2;
                depth--;
            }
        }
    }
}

bool nm_engine_check(nm_engine *e)
{
    check_use_cycles(e);
    /* Files with syntax errors are checked too, so one run reports every mistake;
     * the checker then gives no warnings (dropped lines may use what looks unused). */
    nm_check_options opt = {.after_syntax_errors = nm_diags_errors(e->diags) > 0};
    nm_ast_file **files = nm_alloc(sizeof *files * (size_t)(e->files.n + 1));
    for (int i = 0; i < e->files.n; i++)
        files[i] = ((loaded *)e->files.items[i])->ast;
    e->program = nm_check_with(files, e->files.n, e->diags, &opt);
    return nm_diags_errors(e->diags) == 0;
}

int nm_engine_error_count(const nm_engine *e) { return nm_diags_errors(e->diags); }
int nm_engine_warning_count(const nm_engine *e) { return nm_diags_warnings(e->diags); }
bool nm_engine_unreadable(const nm_engine *e) { return e->unreadable; }

void nm_engine_print_diagnostics(const nm_engine *e, FILE *out, nm_diag_format fmt)
{
    if (fmt == NM_DIAG_JSON)
        nm_diags_render_json(e->diags, out);
    else
        nm_diags_render_text(e->diags, out);
}

void nm_engine_dump_ast(const nm_engine *e, FILE *out)
{
    for (int i = 0; i < e->files.n; i++) {
        nm_buf b = {0};
        nm_ast_dump(((loaded *)e->files.items[i])->ast, &b);
        fputs(nm_buf_str(&b), out);
    }
}
