/* parser.y — Norma's grammar (SPEC Part I): tokens from lexer.l -> nm_ast_file.
 * A pure LALR(1) parser with LAC and custom error messages. Actions only call the
 * builders of build.h; names, types and meaning are engine/check's. Errors recover at
 * statement boundaries (end of line, end of block), so one pass reports them all. */

%code top {
#include <gc.h>
#include <stdio.h>
#include <string.h>

/* Memory: semantic values hold GC-allocated nodes and strings. Bison keeps its value
 * stack on the C stack while it is small (scanned by the collector) and grows it with
 * YYMALLOC; making that allocation GC_MALLOC_UNCOLLECTABLE keeps a grown stack
 * scanned too (and explicitly freed by bison via YYFREE), so a node is never reachable
 * only from memory the collector cannot see. The lexer's token queue lives in the
 * GC-allocated nm_parser. Flex's own buffers hold only source bytes. */
#define YYMALLOC GC_MALLOC_UNCOLLECTABLE
#define YYFREE GC_FREE
/* Bounds the parser stack: a chain of 50 000 prefix operators ends in one clean
 * "too deeply nested" error (see yyerror) rather than exhausting memory. */
#define YYMAXDEPTH 50000
}

%code requires {
#include "build.h"
typedef struct nm_parser nm_parser;
/* `renumbered PARTS from DATE` of an article. */
struct nm_renum {
    nm_partlist parts;
    nm_date_lit from;
};
/* `explained "FILE" [lang L]` of an expectation. */
struct nm_explained {
    const char *text;
    nm_span span;
    nm_ident lang;
};
}

%code provides {
/* One queued token. */
typedef struct nm_lexq {
    int tok;
    NM_YYSTYPE val;
    nm_span loc;
} nm_lexq;

/* An identifier's text as first read, for the lexer's table of spellings. */
typedef struct nm_lexname {
    const char *text;
    size_t len;
    uint32_t hash;
} nm_lexname;

/* The parse context: the lexer's state, the token queue (layout tokens are queued
 * before the token that triggers them), and the result. Allocated with nm_alloc. */
struct nm_parser {
    const nm_srcfile *src;
    nm_diags *diags;
    nm_ast_file *file;
    int max_depth;
    bool fatal;             /* a limit was hit: stop, report nothing more */
    int skip;               /* error recovery: 1 = drop the next block if one opens */
    void *scanner;
    /* position of the next byte, and the span of the token just matched */
    int line, col;
    size_t off;
    nm_span tok;
    /* layout */
    bool at_bol;            /* no token yet on this physical line */
    bool line_open;         /* a logical line has tokens not yet ended by NEWLINE */
    bool last_colon;        /* the last token (outside brackets) was ':' */
    nm_span prev_end;       /* zero-width, just after the last token */
    int *indents, nindents, capindents;
    nm_span *brackets;      /* open brackets, innermost last */
    int depth, capbrackets;
    nm_span unclosed;       /* the bracket a new statement forced closed */
    nm_span unclosed_nl;    /* ... and the NEWLINE emitted there */
    /* strings and comments */
    nm_buf strbuf;
    nm_span str_start, comment_start;
    bool comment_own_line;  /* no token before the open block comment on its line */
    /* queue */
    nm_lexq *queue;
    int qhead, qlen, qcap;
    bool eof;
    int lex_error_line;     /* the last line the lexer reported an error on */
    int tab_line;           /* the last line with a tab in its indentation */
    /* identifiers read so far, so that each spelling is copied once */
    nm_lexname *names;      /* open addressing; text NULL = empty */
    int nnames, capnames;
    nm_arena arena;         /* the tree's nodes, lists and citation parts */
};

void nm_lex_begin(nm_parser *p);
void nm_lex_end(nm_parser *p);
int nm_lex_next(NM_YYSTYPE *val, nm_span *loc, nm_parser *p);
}

%code {
static int nm_yylex(NM_YYSTYPE *val, nm_span *loc, nm_parser *p)
{
    return nm_lex_next(val, loc, p);
}
static void nm_yyerror(const nm_span *loc, nm_parser *p, const char *msg);
static void add_decl(nm_parser *p, nm_node *n);
static nm_vec *vec1(void *x);
static nm_vec *vpush(nm_vec *v, void *x);
static nm_ident ident_text(const char *text, nm_span span);
static nm_date_lit no_date(void);
static nm_labels *new_labels(void);
static nm_span zw(nm_span after);

#define DS (p->diags)
/* Error recovery at the end of a line: resume reporting, and drop the indented block
 * that a broken header may have opened. */
#define RECOVERED() do { yyerrok; p->skip = 1; } while (0)
/* nm_span_join of the first and last symbols, written out: it runs for every
 * reduction. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                    \
    do {                                                               \
        if (N) {                                                       \
            (Cur) = YYRHSLOC(Rhs, 1);                                  \
            if (YYRHSLOC(Rhs, N).end_off > (Cur).end_off) {            \
                (Cur).end_line = YYRHSLOC(Rhs, N).end_line;            \
                (Cur).end_col = YYRHSLOC(Rhs, N).end_col;              \
                (Cur).end_off = YYRHSLOC(Rhs, N).end_off;              \
            }                                                          \
        } else {                                                       \
            (Cur) = zw(YYRHSLOC(Rhs, 0));                              \
        }                                                              \
    } while (0)
}

%define api.pure full
%define api.prefix {nm_yy}
%define api.location.type {nm_span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {nm_parser *p}

/* Every shift and reduction copies a value, and the lexer queues one per token: the
 * union stays small (56 bytes), and the rare large values (windows, labels,
 * renumbering, `explained`) are pointers, NULL when absent. */
%union {
    nm_node *node;
    nm_vec *vec;
    nm_ident ident;
    const char *str;
    nm_date_lit date;
    nm_durlit dur;
    nm_partlist parts;
    nm_citation *cite;
    nm_window *window;
    nm_labels *labels;
    nm_member *member;
    nm_map_entry *entry;
    nm_param_decl *pdecl;
    struct { nm_pred_mode mode; bool presumed; nm_vec *cites; } mode;
    struct { nm_node *atom; bool neg; } head;
    struct nm_renum *renum;
    struct nm_explained *explained;
    int ival;
    nm_op op;
}

%token END 0 "end of file"
%token NEWLINE "end of line"
%token INDENT "indented block"
%token DEDENT "end of block"
%token <ident> IDENT "identifier"
%token <str> INT "integer"
%token <str> DECIMAL "decimal number"
%token <str> SECTION "section number"
%token <str> STRING "string"
%token <date> DATE "date"
%token <dur> DURATION "duration"
%token <parts> CITPART "citation part"
%token WILDCARD "'_'"
%token ')' ']' '}' ',' ':' '(' '[' '{' '.' '=' '<' '>' '+' '-' '*' '/'
%token DOTDOT "'..'" ARROW "'->'" NE "'!='" LE "'<='" GE "'>='"
%token MODULE "'module'" USE "'use'" SOURCE "'source'" ARTICLE "'article'"
%token ARTICLES "'articles'" TYPE "'type'" ENUM "'enum'" TIERS "'tiers'" LIST "'list'"
%token MAP "'map'" TABLE "'table'" PARAM "'param'" PRED "'pred'" ATTR "'attr'"
%token INPUT "'input'" OPEN "'open'" PRESUMED "'presumed'" RULE "'rule'" IF "'if'"
%token AND "'and'" OR "'or'" NOT "'not'" UNLESS "'unless'" EXCEPTION "'exception'"
%token TO "'to'" IN "'in'" FACT "'fact'" CASE "'case'" EXPECT "'expect'"
%token FOUND "'found'" ENTITY "'entity'" IN_FORCE "'in_force'" UNTIL "'until'"
%token ID "'id'" RANK "'rank'" RENUMBERED "'renumbered'" FROM "'from'" TEXT "'text'"
%token READING "'reading'" ZH "'zh'" EN "'en'" COUNT "'count'" SUM "'sum'" MIN "'min'"
%token MAX "'max'" FOR "'for'" WITHIN "'within'" OF "'of'" AFTER "'after'"
%token BEFORE "'before'" ON "'on'" TRUE "'true'" FALSE "'false'" UNKNOWN "'unknown'"
%token BY "'by'" EXPLAINED "'explained'" DECIDED "'decided'" REF "'ref'" LANG "'lang'"
%token PERSON "'person'" UNIT "'unit'"

%left OR
%left AND
%precedence NOT
%nonassoc '=' NE '<' LE '>' GE IN WITHIN OF AFTER BEFORE
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%type <node> decl block_decl source_head source_item fact fact_body param entity
%type <node> expr atom case_item case_stmt opt_if opt_unless
%type <vec> source_items cites nonempty_cites members enum_body tier_members map_body
%type <vec> map_entries table_body table_entries expr_list opt_expr_list opt_args
%type <vec> opt_params param_decls opt_exception label_list case_items opt_set
%type <ident> dotted name_part type_name opt_type opt_rank
%type <str> opt_string opt_id opt_ref opt_text
%type <date> opt_on opt_decided
%type <parts> cit_ref citparts
%type <cite> citation opt_by
%type <window> window
%type <labels> labels zh_en
%type <member> member
%type <entry> map_entry table_entry
%type <pdecl> param_decl
%type <mode> pred_mode
%type <head> head
%type <renum> opt_renumbered
%type <explained> opt_explained
%type <ident> opt_lang
%type <ival> expect_kind entity_kind agg_op
%type <op> cmp_op

%%

file:
    %empty
  | file top
  ;

top:
    decl NEWLINE                { add_decl(p, $1); }
  | block_decl                  { add_decl(p, $1); }
  | error NEWLINE               { RECOVERED(); }
  ;

decl:
    MODULE dotted               { $$ = nm_b_named(NM_N_MODULE, @$, $2); }
  | USE dotted                  { $$ = nm_b_named(NM_N_USE, @$, $2); }
  | source_head
  | TYPE IDENT cites '=' ENUM '{' enum_body '}'
                                { $$ = nm_b_enum(NM_N_ENUM, @$, $2, $3, $7); }
  | TIERS IDENT cites '=' tier_members
                                { $$ = nm_b_enum(NM_N_TIERS, @$, $2, $3, $5); }
  | TYPE IDENT cites '=' ENTITY  { $$ = nm_b_enum(NM_N_ENTITY_TYPE, @$, $2, $3, NULL); }
  | entity
  | LIST IDENT opt_type cites '=' expr_list
                                { $$ = nm_b_list(DS, @$, $2, $3, $4, $6); }
  | MAP IDENT ':' type_name ARROW type_name cites '=' '{' map_body '}'
                                { $$ = nm_b_map(NM_N_MAP, @$, $2, $4, $6, $7, $10); }
  | TABLE IDENT ':' type_name ARROW type_name cites '=' '{' table_body '}'
                                { $$ = nm_b_map(NM_N_TABLE, @$, $2, $4, $6, $7, $10); }
  | param
  | PRED IDENT opt_params pred_mode zh_en
                                { $$ = nm_b_pred(@$, $2, $3, false, ident_text("", @2),
                                                 $4.mode, $4.presumed, $4.cites, $5); }
  | ATTR IDENT opt_params ':' type_name pred_mode zh_en
                                { $$ = nm_b_pred(@$, $2, $3, true, $5, $6.mode, $6.presumed,
                                                 $6.cites, $7); }
  | fact
  | RULE IDENT cites window opt_exception ':' head opt_if opt_unless
                                { $$ = nm_b_rule(DS, @$, $2, $3, $4, $5, $7.atom, $7.neg, $8, $9); }
  ;

block_decl:
    source_head ':' NEWLINE INDENT source_items DEDENT
                                { $$ = $1; if ($5) $$->u.source.articles = *$5;
                                  $$->span = nm_span_join(@1, @2); }
  | RULE IDENT cites window opt_exception ':' NEWLINE INDENT head opt_if opt_unless NEWLINE DEDENT
                                { $$ = nm_b_rule(DS, nm_span_join(@1, @11), $2, $3, $4, $5,
                                                 $9.atom, $9.neg, $10, $11); }
  | RULE IDENT cites window opt_exception ':' NEWLINE INDENT error DEDENT
                                { yyerrok; $$ = NULL; }
  | CASE IDENT opt_string opt_ref opt_decided ':' NEWLINE INDENT case_items DEDENT
                                { $$ = nm_b_case(nm_span_join(@1, @6), $2, $3, $4, $5, $9); }
  ;

/* Module names come from file paths, so their components may be keywords too. */
dotted:
    name_part
  | dotted '.' name_part        { $$ = ident_text(nm_sprintf("%s.%s", $1.text, $3.text), @$); }
  ;

name_part:
    IDENT
  | keyword                     { $$ = ident_text(nm_strndup(p->src->text + @1.off,
                                                             @1.end_off - @1.off), @1); }
  ;

keyword:
    MODULE | USE | SOURCE | ARTICLE | ARTICLES | TYPE | ENUM | TIERS | LIST | MAP | TABLE
  | PARAM | PRED | ATTR | INPUT | OPEN | PRESUMED | RULE | IF | AND | OR | NOT | UNLESS
  | EXCEPTION | TO | IN | FACT | CASE | EXPECT | FOUND | ENTITY | IN_FORCE | UNTIL | ID
  | RANK | RENUMBERED | FROM | TEXT | READING | ZH | EN | COUNT | SUM | MIN | MAX | FOR
  | WITHIN | OF | AFTER | BEFORE | ON | TRUE | FALSE | UNKNOWN | BY | EXPLAINED | DECIDED
  | REF | LANG | PERSON | UNIT
  ;

type_name:
    IDENT
  | TEXT                        { $$ = ident_text("text", @1); }
  ;

opt_type:
    %empty                      { $$ = ident_text("", @$); }
  | ':' type_name               { $$ = $2; }
  ;

opt_string: %empty { $$ = NULL; } | STRING ;

/* ---- citations ---- */

cites:
    %empty                      { $$ = NULL; }
  | nonempty_cites
  ;

nonempty_cites:
    citation                    { $$ = vec1($1); }
  | nonempty_cites citation     { $$ = vpush($1, $2); }
  ;

citation:
    '[' IDENT ']'               { nm_partlist none = {0};
                                  $$ = nm_b_citation(DS, @$, $2, none); }
  | '[' IDENT cit_ref ']'       { $$ = nm_b_citation(DS, @$, $2, $3); }
  ;

cit_ref:
    citparts
  | DECIMAL                     { $$ = nm_b_section($1, @1); }
  | INT                         { $$ = nm_b_section($1, @1); }
  | SECTION                     { $$ = nm_b_section($1, @1); }
  ;

citparts:
    CITPART
  | citparts CITPART            { $$ = nm_b_parts_cat($1, $2); }
  ;

window:
    %empty                      { $$ = NULL; }
  | IN_FORCE DATE               { $$ = nm_b_alloc(sizeof *$$); $$->from = $2; }
  | IN_FORCE DATE UNTIL DATE    { $$ = nm_b_alloc(sizeof *$$); $$->from = $2; $$->until = $4; }
  | UNTIL DATE                  { $$ = nm_b_alloc(sizeof *$$); $$->until = $2; }
  ;

/* ---- sources ---- */

source_head:
    SOURCE IDENT STRING opt_id opt_rank window
                                { $$ = nm_b_source(@$, $2, $3, $4, $5, $6, NULL); }
  ;

opt_id: %empty { $$ = NULL; } | ID STRING { $$ = $2; } ;

opt_rank:
    %empty                      { $$ = ident_text("", @$); }
  | RANK IDENT                  { $$ = $2; }
  ;

source_items:
    %empty                      { $$ = NULL; }
  | source_items source_item    { $$ = $2 ? vpush($1, $2) : $1; }
  ;

source_item:
    ARTICLE cit_ref window opt_renumbered opt_text NEWLINE
                                { $$ = nm_b_article(DS, nm_span_join(@1, @5), $2, $3,
                                                    $4 ? &$4->parts : NULL,
                                                    $4 ? $4->from : no_date(), $5); }
  | ARTICLES citparts DOTDOT citparts NEWLINE
                                { $$ = nm_b_articles(DS, nm_span_join(@1, @4), $2, $4); }
  | error NEWLINE               { RECOVERED(); $$ = NULL; }
  ;

opt_renumbered:
    %empty                      { $$ = NULL; }
  | RENUMBERED citparts FROM DATE
                                { $$ = nm_b_alloc(sizeof *$$); $$->parts = $2; $$->from = $4; }
  ;

opt_text: %empty { $$ = NULL; } | TEXT STRING { $$ = $2; } ;

/* ---- types ---- */

enum_body:
    %empty                      { $$ = NULL; }
  | members
  | members ','
  ;

members:
    member                      { $$ = vec1($1); }
  | members ',' member          { $$ = vpush($1, $3); }
  ;

member:
    IDENT labels                { $$ = nm_b_member(@$, $1, $2); }
  ;

labels:
    zh_en
  | STRING                      { $$ = new_labels(); $$->zh = $1; $$->zh_span = @1; }
  | STRING EN STRING            { $$ = new_labels(); $$->zh = $1; $$->zh_span = @1;
                                  $$->en = $3; $$->en_span = @3; }
  ;

zh_en:
    %empty                      { $$ = NULL; }
  | ZH STRING                   { $$ = new_labels(); $$->zh = $2; $$->zh_span = @2; }
  | EN STRING                   { $$ = new_labels(); $$->en = $2; $$->en_span = @2; }
  | ZH STRING EN STRING         { $$ = new_labels(); $$->zh = $2; $$->zh_span = @2;
                                  $$->en = $4; $$->en_span = @4; }
  | EN STRING ZH STRING         { $$ = new_labels(); $$->en = $2; $$->en_span = @2;
                                  $$->zh = $4; $$->zh_span = @4; }
  ;

tier_members:
    member                      { $$ = vec1($1); }
  | tier_members '<' member     { $$ = vpush($1, $3); }
  ;

entity:
    ENTITY IDENT ':' entity_kind opt_string
                                { $$ = nm_b_entity(@$, $2, (nm_entity_kind)$4, $5); }
  | ENTITY IDENT ':' IDENT opt_string
                                { $$ = nm_b_entity_typed(@$, $2, $4, $5); }
  ;

entity_kind:
    PERSON                      { $$ = NM_ENTITY_PERSON; }
  | UNIT                        { $$ = NM_ENTITY_UNIT; }
  ;

/* ---- maps, tables, parameters ---- */

map_body:
    %empty                      { $$ = NULL; }
  | map_entries
  | map_entries ','
  ;

map_entries:
    map_entry                   { $$ = vec1($1); }
  | map_entries ',' map_entry   { $$ = vpush($1, $3); }
  ;

map_entry:
    expr ':' expr               { $$ = nm_b_entry(DS, @$, $1, $3, NULL); }
  ;

table_body:
    %empty                      { $$ = NULL; }
  | table_entries
  | table_entries ','
  ;

table_entries:
    table_entry                 { $$ = vec1($1); }
  | table_entries ',' table_entry
                                { $$ = vpush($1, $3); }
  ;

table_entry:
    expr ':' '[' opt_expr_list ']'
                                { $$ = nm_b_entry(DS, @$, $1, NULL, $4); }
  ;

param:
    PARAM IDENT opt_type '=' expr cites
                                { $$ = nm_b_param(DS, @$, $2, $3, $5, $6, false, NULL); }
  | PARAM IDENT opt_type '=' expr cites READING
                                { $$ = nm_b_param(DS, @$, $2, $3, $5, $6, true, NULL); }
  | PARAM IDENT opt_type '=' expr cites READING STRING
                                { $$ = nm_b_param(DS, @$, $2, $3, $5, $6, true, $8); }
  ;

/* ---- predicates ---- */

opt_params:
    %empty                      { $$ = NULL; }
  | '(' ')'                     { $$ = NULL; }
  | '(' param_decls ')'         { $$ = $2; }
  ;

param_decls:
    param_decl                  { $$ = vec1($1); }
  | param_decls ',' param_decl  { $$ = vpush($1, $3); }
  ;

param_decl:
    IDENT ':' type_name         { $$ = nm_b_param_decl($1, $3); }
  ;

pred_mode:
    %empty                      { $$.mode = NM_PRED_DERIVED; $$.presumed = false; $$.cites = NULL; }
  | INPUT                       { $$.mode = NM_PRED_INPUT; $$.presumed = false; $$.cites = NULL; }
  | OPEN                        { $$.mode = NM_PRED_OPEN; $$.presumed = false; $$.cites = NULL; }
  | OPEN PRESUMED FALSE cites   { $$.mode = NM_PRED_OPEN; $$.presumed = true; $$.cites = $4; }
  ;

/* ---- facts and rules ---- */

fact:
    fact_body
  | FACT fact_body              { $$ = $2; $$->span = @$; }
  ;

fact_body:
    atom opt_on                 { $$ = nm_b_fact(NM_N_FACT, @$, $1, false, $2); }
  | NOT atom opt_on             { $$ = nm_b_fact(NM_N_FACT, @$, $2, true, $3); }
  ;

opt_on: %empty { $$ = no_date(); } | ON DATE { $$ = $2; } ;

atom:
    IDENT '(' opt_args ')'      { $$ = nm_b_atom(DS, @$, $1, $3); }
  ;

opt_args: %empty { $$ = NULL; } | expr_list ;

opt_exception:
    %empty                      { $$ = NULL; }
  | EXCEPTION TO label_list     { $$ = $3; }
  ;

label_list:
    IDENT                       { nm_ident *l = nm_b_alloc(sizeof *l); *l = $1; $$ = vec1(l); }
  | label_list ',' IDENT        { nm_ident *l = nm_b_alloc(sizeof *l); *l = $3; $$ = vpush($1, l); }
  ;

head:
    atom                        { $$.atom = $1; $$.neg = false; }
  | NOT atom                    { $$.atom = $2; $$.neg = true; }
  ;

opt_if: %empty { $$ = NULL; } | IF expr { $$ = $2; } ;
opt_unless: %empty { $$ = NULL; } | UNLESS expr { $$ = $2; } ;

/* ---- cases ---- */

opt_ref: %empty { $$ = NULL; } | REF STRING { $$ = $2; } ;
opt_decided: %empty { $$ = no_date(); } | DECIDED DATE { $$ = $2; } ;

case_items:
    %empty                      { $$ = NULL; }
  | case_items case_item        { $$ = $2 ? vpush($1, $2) : $1; }
  ;

case_item:
    case_stmt NEWLINE
  | error NEWLINE               { RECOVERED(); $$ = NULL; }
  ;

case_stmt:
    entity
  | fact
  | param
  | FOUND atom                  { $$ = nm_b_fact(NM_N_FOUND, @$, $2, false, no_date()); }
  | FOUND NOT atom              { $$ = nm_b_fact(NM_N_FOUND, @$, $3, true, no_date()); }
  | EXPECT expect_kind atom opt_by opt_explained
                                { $$ = nm_b_expect(@$, (nm_expect_kind)$2, $3, $4,
                                                   $5 ? $5->text : NULL, $5 ? $5->span : @5,
                                                   $5 ? $5->lang : ident_text("", @5)); }
  ;

expect_kind:
    %empty                      { $$ = NM_EXPECT_YES; }
  | NOT                         { $$ = NM_EXPECT_NO; }
  | UNKNOWN                     { $$ = NM_EXPECT_UNKNOWN; }
  ;

opt_by: %empty { $$ = NULL; } | BY citation { $$ = $2; } ;

opt_explained:
    %empty                      { $$ = NULL; }
  | EXPLAINED STRING opt_lang   { $$ = nm_b_alloc(sizeof *$$); $$->text = $2; $$->span = @2;
                                  $$->lang = $3; }
  ;

opt_lang:
    %empty                      { $$ = ident_text("", @$); }
  | LANG IDENT                  { $$ = $2; }
  | LANG ZH                     { $$ = ident_text("zh", @2); }
  | LANG EN                     { $$ = ident_text("en", @2); }
  ;

/* ---- expressions and conditions: one syntax, sorted out by the builders ---- */

expr:
    expr OR expr                { $$ = nm_b_binop(DS, NM_N_OR, 0, @$, $1, $3); }
  | expr AND expr               { $$ = nm_b_binop(DS, NM_N_AND, 0, @$, $1, $3); }
  | NOT expr                    { $$ = nm_b_unop(DS, NM_N_NOT, @$, $2); }
  | expr cmp_op expr %prec '='  { $$ = nm_b_binop(DS, NM_N_CMP, $2, @$, $1, $3); }
  | expr IN expr                { $$ = nm_b_binop(DS, NM_N_IN, 0, @$, $1, $3); }
  | expr WITHIN expr OF expr    { $$ = nm_b_within(DS, @$, NM_WITHIN_OF, $1, $3, $5); }
  | expr WITHIN expr AFTER expr { $$ = nm_b_within(DS, @$, NM_WITHIN_AFTER, $1, $3, $5); }
  | expr WITHIN expr BEFORE expr
                                { $$ = nm_b_within(DS, @$, NM_WITHIN_BEFORE, $1, $3, $5); }
  | expr '+' expr               { $$ = nm_b_binop(DS, NM_N_ARITH, NM_OP_ADD, @$, $1, $3); }
  | expr '-' expr               { $$ = nm_b_binop(DS, NM_N_ARITH, NM_OP_SUB, @$, $1, $3); }
  | expr '*' expr               { $$ = nm_b_binop(DS, NM_N_ARITH, NM_OP_MUL, @$, $1, $3); }
  | expr '/' expr               { $$ = nm_b_binop(DS, NM_N_ARITH, NM_OP_DIV, @$, $1, $3); }
  | '-' expr %prec UMINUS       { $$ = nm_b_unop(DS, NM_N_NEG, @$, $2); }
  /* operands, written here rather than as a `primary` of their own: one reduction
   * fewer for every operand */
  | atom
  | IDENT                       { $$ = nm_b_named(NM_N_NAME, @$, $1); }
  | WILDCARD                    { $$ = nm_node_new(NM_N_WILDCARD, @$); }
  | INT                         { $$ = nm_b_lit(NM_N_INT, @$, $1); }
  | DECIMAL                     { $$ = nm_b_lit(NM_N_DECIMAL, @$, $1); }
  | STRING                      { $$ = nm_b_lit(NM_N_STRING, @$, $1); }
  | DATE                        { $$ = nm_b_date(@$, $1); }
  | DURATION                    { $$ = nm_b_duration(@$, $1); }
  | TRUE                        { $$ = nm_b_bool(@$, true); }
  | FALSE                       { $$ = nm_b_bool(@$, false); }
  | citation                    { $$ = nm_b_cite(@$, $1); }
  | '{' opt_set '}'             { $$ = nm_b_set(DS, @$, $2); }
  | '(' expr ')'                { $$ = $2; }
  | agg_op '(' expr_list FOR expr ')'
                                { $$ = nm_b_agg(DS, @$, (nm_agg_op)$1, $3, $5); }
  ;

cmp_op:
    '='                         { $$ = NM_OP_EQ; }
  | NE                          { $$ = NM_OP_NE; }
  | '<'                         { $$ = NM_OP_LT; }
  | LE                          { $$ = NM_OP_LE; }
  | '>'                         { $$ = NM_OP_GT; }
  | GE                          { $$ = NM_OP_GE; }
  ;

agg_op:
    COUNT                       { $$ = NM_AGG_COUNT; }
  | SUM                         { $$ = NM_AGG_SUM; }
  | MIN                         { $$ = NM_AGG_MIN; }
  | MAX                         { $$ = NM_AGG_MAX; }
  ;

opt_set:
    %empty                      { $$ = NULL; }
  | expr_list
  | expr_list ','
  ;

expr_list:
    expr                        { $$ = vec1($1); }
  | expr_list ',' expr          { $$ = vpush($1, $3); }
  ;

opt_expr_list:
    %empty                      { $$ = NULL; }
  | expr_list
  | expr_list ','
  ;

%%

static nm_vec *vec1(void *x) { return vpush(NULL, x); }

/* nm_vec_push, in the tree's arena. */
static nm_vec *vpush(nm_vec *v, void *x)
{
    if (!v)
        v = nm_b_alloc(sizeof *v);
    if (v->n == v->cap) {
        int cap = v->cap ? 2 * v->cap : 4;
        void **items = nm_b_alloc(sizeof *items * (size_t)cap);
        if (v->n)
            memcpy(items, v->items, sizeof *items * (size_t)v->n);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
    return v;
}

static nm_ident ident_text(const char *text, nm_span span)
{
    nm_ident r = {text, span};
    return r;
}

static nm_date_lit no_date(void)
{
    nm_date_lit d = {0};
    return d;
}

static nm_labels *new_labels(void) { return nm_b_alloc(sizeof(nm_labels)); }

/* The zero-width span just after `after`. */
static nm_span zw(nm_span after)
{
    after.line = after.end_line;
    after.col = after.end_col;
    after.off = after.end_off;
    return after;
}

/* Adds a finished declaration, unless it is nested deeper than the limit (then it is
 * reported and dropped, so later stages never recurse that deep). */
static void add_decl(nm_parser *p, nm_node *n)
{
    if (!n)
        return;
    int limit = 2 * p->max_depth;
    if (nm_ast_depth(n) > limit) {
        nm_error(p->diags, n->span, "E-depth",
                 "declaration nested too deeply (more than %d levels)", limit);
        return;
    }
    nm_vec_push(&p->file->decls, n);
}

static void nm_yyerror(const nm_span *loc, nm_parser *p, const char *msg)
{
    if (p->fatal)
        return;
    if (strcmp(msg, "memory exhausted") == 0) {
        nm_error(p->diags, *loc, "E-depth", "too deeply nested: the parser's stack is full");
        p->fatal = true;
        return;
    }
    nm_error(p->diags, *loc, "E-syntax", "%s", msg);
}

/* Operators (and the '(' of an atom) that could continue an expression: left out of
 * the "expected" list so that it names what would close the construct. */
static bool continues_expr(yysymbol_kind_t s)
{
    static const char *const ops[] = {"'or'", "'and'", "'in'", "'within'", "'='", "'!='",
                                      "'<'", "'<='", "'>'", "'>='", "'+'", "'-'", "'*'",
                                      "'/'", "'('"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(yysymbol_name(s), ops[i]) == 0)
            return true;
    return false;
}

/* The unexpected token as the message names it: literals and identifiers with their
 * text, keywords and punctuation as written (a Chinese keyword stays Chinese). */
static const char *describe(nm_parser *p, yysymbol_kind_t s, const nm_span *loc)
{
    const char *text = p->src->text + loc->off;
    int len = (int)(loc->end_off - loc->off);
    if (len > 40)
        len = 40;
    switch (s) {
    case YYSYMBOL_IDENT: case YYSYMBOL_INT: case YYSYMBOL_DECIMAL: case YYSYMBOL_SECTION:
    case YYSYMBOL_DATE: case YYSYMBOL_DURATION: case YYSYMBOL_CITPART:
        return nm_sprintf("%s '%.*s'", yysymbol_name(s), len, text);
    case YYSYMBOL_STRING: case YYSYMBOL_NEWLINE: case YYSYMBOL_INDENT: case YYSYMBOL_DEDENT:
    case YYSYMBOL_YYEOF: case YYSYMBOL_YYUNDEF: case YYSYMBOL_YYerror:
        return yysymbol_name(s);
    default:
        return len > 0 ? nm_sprintf("'%.*s'", len, text) : yysymbol_name(s);
    }
}

/* Messages read "unexpected X, expected A, B or C": operators that would continue an
 * expression are left out when anything else is possible, and more than five
 * alternatives give just "unexpected X" (see grammar/README.md). */
static int yyreport_syntax_error(const yypcontext_t *ctx, nm_parser *p)
{
    if (p->fatal || yypcontext_location(ctx)->line == p->lex_error_line)
        return 0;
    yysymbol_kind_t la = yypcontext_token(ctx);
    const nm_span *loc = yypcontext_location(ctx);
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    int k = 0, ops = 0;
    for (int i = 0; i < n; i++)
        ops += continues_expr(exp[i]);
    /* One operator alone is not an expression's continuation (`type T` expects '=') */
    for (int i = 0; i < n; i++)
        if (ops < 2 || !continues_expr(exp[i]))
            exp[k++] = exp[i];
    if (k > 0)
        n = k;
    nm_buf b = {0};
    nm_buf_printf(&b, "unexpected %s", describe(p, la, loc));
    if (n == 2 && exp[0] == YYSYMBOL_IDENT && exp[1] == YYSYMBOL_TEXT) {
        nm_buf_puts(&b, ", expected a type");   /* a type name: `int`, `Service`, `text` */
    } else if (n > 0 && n <= 5) {
        nm_buf_puts(&b, ", expected ");
        for (int i = 0; i < n; i++) {
            if (i)
                nm_buf_puts(&b, i == n - 1 ? " or " : ", ");
            nm_buf_puts(&b, yysymbol_name(exp[i]));
        }
    }
    nm_diag *d = nm_error(p->diags, *loc, "E-syntax", "%s", nm_buf_str(&b));
    if (la == YYSYMBOL_NEWLINE && p->unclosed.file && p->unclosed_nl.off == loc->off) {
        nm_span u = p->unclosed;
        nm_diag_note(d, NM_SEV_NOTE, &u, "this '%.*s' is not closed", (int)(u.end_off - u.off),
                     p->src->text + u.off);
    }
    return 0;
}

nm_ast_file *nm_parse(const nm_srcfile *src, nm_diags *diags, int max_depth)
{
    nm_parser *p = nm_alloc(sizeof *p);
    p->src = src;
    p->diags = diags;
    p->max_depth = max_depth > 0 ? max_depth : 1000;
    p->file = nm_alloc(sizeof *p->file);
    p->file->src = src;
    nm_arena *outer = nm_b_use_arena(&p->arena);
    nm_lex_begin(p);
    nm_yyparse(p);
    nm_lex_end(p);
    nm_b_use_arena(outer);
    return p->file;
}
