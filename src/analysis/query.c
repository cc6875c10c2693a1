/* query.c — loading, validating and running tree-sitter queries with client-side text predicates.
 * Predicates are compiled once per pattern into a flat list of checks (strings interned as pointers into the
 * TSQuery's string table, regexes compiled with regcomp) and evaluated on each match's captured text. */
#include "analysis/query.h"

#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/embedded.h"
#include "util/buf.h"
#include "util/xalloc.h"

enum pred_op { P_EQ, P_MATCH, P_ANY_OF };

struct pred {
    enum pred_op op;
    bool negate;
    bool any;            /* any- variant: one node of a quantified capture passing suffices */
    uint32_t capture;
    /* P_EQ: either another capture or a literal */
    bool rhs_is_capture;
    uint32_t rhs_capture;
    const char *literal;
    uint32_t literal_len;
    regex_t re;          /* P_MATCH */
    const char **options;/* P_ANY_OF */
    uint32_t *option_lens;
    size_t n_options;
};

struct prop {
    const char *key;
    const char *value;
};

struct pattern_info {
    struct pred *preds;
    size_t n_preds;
    struct prop *props;
    size_t n_props;
};

struct as_query {
    char *name;
    TSQuery *ts;
    struct pattern_info *patterns;
    uint32_t n_patterns;
};

/* Each queries/<name>.scm is compiled on its own (so errors name the file and line), then all of them are
 * compiled again as one query: a single cursor pass over the tree finds every fact, instead of one pass per
 * file (the traversal, not the matching, dominates query time). */
struct as_query_set {
    struct as_query **files;
    size_t n_files;
    struct as_query *combined;
};

static const char *error_kind(TSQueryError e)
{
    switch (e) {
    case TSQueryErrorSyntax: return "invalid syntax";
    case TSQueryErrorNodeType: return "invalid node type";
    case TSQueryErrorField: return "invalid field name";
    case TSQueryErrorCapture: return "invalid capture name";
    case TSQueryErrorStructure: return "impossible pattern structure";
    case TSQueryErrorLanguage: return "incompatible language version";
    default: return "error";
    }
}

/* "name:LINE:COL: error: what" followed by the offending line and a caret. */
static void error_at(struct as_buf *out, const char *name, const char *src, size_t len, size_t offset,
                     const char *what)
{
    if (offset > len) offset = len;
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset; i++)
        if (src[i] == '\n') { line++; line_start = i + 1; }
    size_t line_end = line_start;
    while (line_end < len && src[line_end] != '\n') line_end++;
    as_buf_printf(out, "%s:%zu:%zu: error: %s\n", name, line, offset - line_start + 1, what);
    as_buf_printf(out, "  %.*s\n  %*s^\n", (int)(line_end - line_start), src + line_start,
                  (int)(offset - line_start), "");
}

/* Byte offset of the first "(#name" / "#name" occurrence for pattern-level errors. */
static size_t pattern_offset(const TSQuery *q, uint32_t pattern)
{
    return ts_query_start_byte_for_pattern(q, pattern);
}

static void pattern_release(struct pattern_info *p)
{
    for (size_t i = 0; i < p->n_preds; i++) {
        if (p->preds[i].op == P_MATCH) regfree(&p->preds[i].re);
        free(p->preds[i].options);
        free(p->preds[i].option_lens);
    }
    free(p->preds);
    free(p->props);
}

/* A #match? regex that glibc's regcomp would take seconds or gigabytes to compile, or whose matching can go
 * exponential: a backreference (\1..\9), more than AS_REGEX_MAX_LEN bytes, groups nested deeper than
 * AS_REGEX_MAX_DEPTH, or repeats whose expansion ((a{1,1000}){1,1000} is a million copies of `a`; each `+`
 * doubles its operand, so "a+++...+" and "((a+)+)+..." grow as powers of two) exceeds AS_REGEX_MAX_EXPANSION.
 * Writes why into `why` and returns true for such a regex. */
#define AS_REGEX_MAX_LEN 1024
#define AS_REGEX_MAX_DEPTH 32
#define AS_REGEX_MAX_EXPANSION 4096

/* The count of a bounded repeat at re[*i] == '{' ({m}, {m,}, {m,n}): its largest count (m + 1 for {m,}), with
 * *i moved past the '}'; 0 when it is not a well-formed bound (regcomp decides what it is). */
static unsigned long repeat_bound(const char *re, size_t *i)
{
    size_t j = *i + 1;
    unsigned long m = 0, n = 0;
    bool comma = false, digits = false;
    for (; re[j] && re[j] != '}'; j++) {
        if (re[j] == ',' && !comma) comma = true;
        else if (re[j] >= '0' && re[j] <= '9') {
            unsigned long *v = comma ? &n : &m;
            if (*v < 100000) *v = *v * 10 + (unsigned long)(re[j] - '0');
            digits = true;
        } else return 0;
    }
    if (re[j] != '}' || !digits) return 0;
    *i = j;
    if (!comma) return m ? m : 1;
    unsigned long top = n > m ? n : m + 1;
    return top ? top : 1;
}

/* Moves *i past a bracket expression starting at re[*i] == '[' (to its ']', or the end). */
static void skip_bracket(const char *re, size_t *i)
{
    size_t j = *i + 1;
    if (re[j] == '^') j++;
    if (re[j] == ']') j++;
    while (re[j] && re[j] != ']') {
        if (re[j] == '[' && (re[j + 1] == ':' || re[j + 1] == '.' || re[j + 1] == '=')) {   /* [:alpha:] */
            char end = re[j + 1];
            for (j += 2; re[j] && !(re[j] == end && re[j + 1] == ']'); j++) {}
            if (re[j]) j += 2;
        } else {
            j++;
        }
    }
    *i = re[j] ? j : j - 1;
}

static bool regex_too_costly(const char *re, char *why, size_t why_size)
{
    if (strlen(re) > AS_REGEX_MAX_LEN) {
        snprintf(why, why_size, "regex longer than %d bytes", AS_REGEX_MAX_LEN);
        return true;
    }
    unsigned long total[AS_REGEX_MAX_DEPTH + 1] = {0}, last[AS_REGEX_MAX_DEPTH + 1] = {0};
    int depth = 0;
    for (size_t i = 0; re[i]; i++) {
        unsigned long atom = 1;
        if (re[i] == '\\') {
            if (re[i + 1] >= '1' && re[i + 1] <= '9') {
                snprintf(why, why_size, "backreferences are not supported");
                return true;
            }
            if (re[i + 1]) i++;
        } else if (re[i] == '[') {
            skip_bracket(re, &i);
        } else if (re[i] == '(') {
            if (++depth > AS_REGEX_MAX_DEPTH) {
                snprintf(why, why_size, "groups nested deeper than %d", AS_REGEX_MAX_DEPTH);
                return true;
            }
            total[depth] = last[depth] = 0;
            continue;
        } else if (re[i] == ')' && depth > 0) {
            atom = total[depth--];
        } else if (re[i] == '{') {
            size_t at = i;
            unsigned long k = repeat_bound(re, &i);
            if (k) {
                total[depth] += last[depth] * (k - 1);
                last[depth] *= k;
                if (total[depth] > AS_REGEX_MAX_EXPANSION) goto too_big;
                continue;
            }
            i = at;
        } else if (re[i] == '+') {   /* glibc copies the operand (a+ is a a*): "a++++..." doubles each time */
            total[depth] += last[depth];
            last[depth] *= 2;
            if (total[depth] > AS_REGEX_MAX_EXPANSION) goto too_big;
            continue;
        } else if (re[i] == '*' || re[i] == '?' || re[i] == '|') {
            continue;
        }
        total[depth] += atom;
        last[depth] = atom;
        if (total[depth] > AS_REGEX_MAX_EXPANSION) goto too_big;
    }
    return false;
too_big:
    snprintf(why, why_size, "its bounded repeats expand past %d atoms", AS_REGEX_MAX_EXPANSION);
    return true;
}

static int compile_predicates(struct as_query *self, const char *src, size_t len, struct as_buf *err)
{
    TSQuery *q = self->ts;
    self->n_patterns = ts_query_pattern_count(q);
    self->patterns = as_xcalloc(self->n_patterns ? self->n_patterns : 1, sizeof(*self->patterns));
    int failed = 0;
    for (uint32_t pi = 0; pi < self->n_patterns; pi++) {
        struct pattern_info *pat = &self->patterns[pi];
        uint32_t n_steps;
        const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(q, pi, &n_steps);
        uint32_t i = 0;
        while (i < n_steps) {
            uint32_t j = i;
            while (j < n_steps && steps[j].type != TSQueryPredicateStepTypeDone) j++;
            /* steps[i..j) is one predicate */
            uint32_t argc = j - i;
            char what[256];
            if (argc == 0 || steps[i].type != TSQueryPredicateStepTypeString) {
                error_at(err, self->name, src, len, pattern_offset(q, pi), "malformed predicate");
                failed = 1;
                i = j + 1;
                continue;
            }
            uint32_t nlen;
            const char *pname = ts_query_string_value_for_id(q, steps[i].value_id, &nlen);
            if (strcmp(pname, "set!") == 0) {
                if (argc != 3 || steps[i + 1].type != TSQueryPredicateStepTypeString ||
                    steps[i + 2].type != TSQueryPredicateStepTypeString) {
                    error_at(err, self->name, src, len, pattern_offset(q, pi),
                             "#set! takes a key and a value");
                    failed = 1;
                } else {
                    pat->props = as_xrealloc(pat->props, (pat->n_props + 1) * sizeof(*pat->props));
                    uint32_t l;
                    pat->props[pat->n_props].key = ts_query_string_value_for_id(q, steps[i + 1].value_id, &l);
                    pat->props[pat->n_props].value = ts_query_string_value_for_id(q, steps[i + 2].value_id, &l);
                    pat->n_props++;
                }
                i = j + 1;
                continue;
            }
            struct pred pr;
            memset(&pr, 0, sizeof(pr));
            const char *base = pname;
            if (strncmp(base, "not-", 4) == 0) { pr.negate = true; base += 4; }
            if (strncmp(base, "any-", 4) == 0) { pr.any = true; base += 4; }
            if (strcmp(base, "eq?") == 0) pr.op = P_EQ;
            else if (strcmp(base, "match?") == 0) pr.op = P_MATCH;
            else if (strcmp(base, "of?") == 0 && pr.any) { pr.op = P_ANY_OF; pr.any = false; }
            else {
                snprintf(what, sizeof(what), "unknown predicate '#%s'", pname);
                error_at(err, self->name, src, len, pattern_offset(q, pi), what);
                failed = 1;
                i = j + 1;
                continue;
            }
            if (argc < 3 || steps[i + 1].type != TSQueryPredicateStepTypeCapture ||
                (pr.op != P_ANY_OF && argc != 3)) {
                snprintf(what, sizeof(what), "'#%s' takes a capture and %s", pname,
                         pr.op == P_ANY_OF ? "one or more strings" : "one argument");
                error_at(err, self->name, src, len, pattern_offset(q, pi), what);
                failed = 1;
                i = j + 1;
                continue;
            }
            pr.capture = steps[i + 1].value_id;
            if (pr.op == P_EQ) {
                if (steps[i + 2].type == TSQueryPredicateStepTypeCapture) {
                    pr.rhs_is_capture = true;
                    pr.rhs_capture = steps[i + 2].value_id;
                } else {
                    pr.literal = ts_query_string_value_for_id(q, steps[i + 2].value_id, &pr.literal_len);
                }
            } else if (pr.op == P_MATCH) {
                if (steps[i + 2].type != TSQueryPredicateStepTypeString) {
                    error_at(err, self->name, src, len, pattern_offset(q, pi), "#match? takes a regex string");
                    failed = 1;
                    i = j + 1;
                    continue;
                }
                uint32_t l;
                const char *re = ts_query_string_value_for_id(q, steps[i + 2].value_id, &l);
                char cost[96];
                if (regex_too_costly(re, cost, sizeof(cost))) {
                    snprintf(what, sizeof(what), "bad regex '%.120s': %s", re, cost);
                    error_at(err, self->name, src, len, pattern_offset(q, pi), what);
                    failed = 1;
                    i = j + 1;
                    continue;
                }
                int rc = regcomp(&pr.re, re, REG_EXTENDED | REG_NOSUB);
                if (rc != 0) {
                    char rbuf[128];
                    regerror(rc, &pr.re, rbuf, sizeof(rbuf));
                    snprintf(what, sizeof(what), "bad regex '%s': %s", re, rbuf);
                    error_at(err, self->name, src, len, pattern_offset(q, pi), what);
                    failed = 1;
                    i = j + 1;
                    continue;
                }
            } else {
                pr.n_options = argc - 2;
                pr.options = as_xcalloc(pr.n_options, sizeof(*pr.options));
                pr.option_lens = as_xcalloc(pr.n_options, sizeof(*pr.option_lens));
                for (size_t k = 0; k < pr.n_options; k++) {
                    if (steps[i + 2 + k].type != TSQueryPredicateStepTypeString) {
                        error_at(err, self->name, src, len, pattern_offset(q, pi), "#any-of? takes strings");
                        failed = 1;
                        break;
                    }
                    pr.options[k] = ts_query_string_value_for_id(q, steps[i + 2 + k].value_id, &pr.option_lens[k]);
                }
            }
            pat->preds = as_xrealloc(pat->preds, (pat->n_preds + 1) * sizeof(*pat->preds));
            pat->preds[pat->n_preds++] = pr;
            i = j + 1;
        }
    }
    return failed ? -1 : 0;
}

/* Stacked quantifiers. tree-sitter 0.25 loops forever in ts_query_new on a `+` applied to a root pattern that
 * already carries a quantifier ("(x)*+", "(x)? @c +", "((x)*)+", "[(x)?]+": the repeat step's alternative
 * points back into the optional step's chain and the root-alternatives walk never ends; upstream reworked this
 * in tree-sitter#5085), and `?` then `+` can hang a cursor. Stacking never says more than one quantifier does,
 * so any quantifier on a pattern that already has one (directly, or as the only member of a group or
 * alternation) is rejected before ts_query_new sees it ("_??+" too: a bare `_` is a wildcard of one character,
 * whatever follows). The same scan refuses a field name followed by a predicate (`function: (.x)`), on
 * which ts_query_new writes past its steps, and a group holding only predicates (`((#eq? @x "a")) @c`), whose
 * capture it adds past them. A light scan of the query syntax: strings, comments,
 * identifiers (which may contain '?' and '!', as in `#eq?`), captures, fields and anchors. */
/* `[_ _ ... ]+` at a pattern's root: 60 members took tree-sitter's cursor 0.1 s on a four-line file, 110 over 10 s
 * under the sanitizers (found by fuzzing); none of the shipped queries repeats an alternation. */
#define AS_QUERY_MAX_REPEATED_ALTERNATIVES 16

struct qscan {
    const char *s;
    size_t len, pos;
    size_t bad;          /* offset of what is refused (a quantifier, a field), or SIZE_MAX */
    const char *why;     /* what is wrong there */
    size_t width;        /* alternatives of the element just scanned (an alternation's members, through groups
                          * of one member; 1 for anything else) */
    bool give_up;        /* nesting too deep for this scan: leave the input to tree-sitter */
};

enum qs_result { QS_END, QS_SKIP, QS_ELEMENT };

static bool qs_ident_start(unsigned char c) { return isalnum(c) || c == '_' || c == '-' || c >= 0x80; }
static bool qs_ident_char(unsigned char c) { return qs_ident_start(c) || c == '.' || c == '?' || c == '!'; }

static void qs_skip(struct qscan *q)
{
    while (q->pos < q->len) {
        unsigned char c = (unsigned char)q->s[q->pos];
        if (c == ';') {
            while (q->pos < q->len && q->s[q->pos] != '\n') q->pos++;
        } else if (isspace(c)) {
            q->pos++;
        } else {
            break;
        }
    }
}

static void qs_ident(struct qscan *q)
{
    while (q->pos < q->len && qs_ident_char((unsigned char)q->s[q->pos])) q->pos++;
}

static size_t qs_seq(struct qscan *q, char close, int depth, bool *last_quantified, bool *all_nullable,
                     bool *any_nullable);

/* One pattern and its suffixes (quantifiers, captures); *quantified tells whether it carries a quantifier (or is
 * a group or alternation that stands for one: a single quantified member, or members that may all match
 * nothing), *nullable whether it may match nothing (a `*` or `?`, or such a group). */
static enum qs_result qs_element(struct qscan *q, char close, int depth, bool *quantified, bool *nullable)
{
    *quantified = *nullable = false;
    q->width = 1;
    size_t field = SIZE_MAX;   /* where a `field:` prefix of this element starts */
    for (;;) {
        qs_skip(q);
        if (q->pos >= q->len) return QS_END;
        unsigned char c = (unsigned char)q->s[q->pos];
        if (c == (unsigned char)close) return QS_END;
        if (c == '(' || c == '[') {
            size_t open = q->pos;
            q->pos++;
            qs_skip(q);
            bool group = c == '[' || (q->pos < q->len && strchr("([\"", q->s[q->pos]) && q->s[q->pos] != '\0');
            /* `(#pred? ...)` (or `(.pred ...)`) adds no step: it is not a member of the enclosing group */
            bool predicate = c == '(' && q->pos < q->len && (q->s[q->pos] == '#' || q->s[q->pos] == '.');
            if (predicate && field != SIZE_MAX) {   /* tree-sitter 0.25 writes the field into a step not there */
                q->bad = field;
                q->why = "a field name must be followed by a pattern, not a predicate";
                return QS_END;
            }
            bool last = false, all_empty = false, any_empty = false;
            size_t n = qs_seq(q, c == '(' ? ')' : ']', depth + 1, &last, &all_empty, &any_empty);
            size_t width = c == '[' ? n : n == 1 && group ? q->width : 1;   /* q->width: the last member's */
            if (q->bad != SIZE_MAX || q->give_up) return QS_END;
            if (q->pos < q->len) q->pos++;   /* the closer */
            if (predicate) return QS_SKIP;
            if (group && n == 0) {   /* `((#eq? ...)) @c`: ts_query_new gives the capture a step past its array */
                q->bad = open;
                q->why = "a group must hold a pattern, not only predicates";
                return QS_END;
            }
            /* "((x)* (y)*)+" and "[(x) (y)?]+" hang ts_query_new as "((x)*)+" does (found by fuzzing): a
             * sequence whose members may all match nothing, an alternation with one member that may */
            *nullable = group && n >= 1 && (c == '[' ? any_empty : all_empty);
            *quantified = group && ((n == 1 && last) || *nullable);
            q->width = width;
            break;
        }
        if (c == '"') {
            for (q->pos++; q->pos < q->len && q->s[q->pos] != '"'; q->pos++)
                if (q->s[q->pos] == '\\') q->pos++;
            if (q->pos < q->len) q->pos++;
            break;
        }
        if (c == '@' || c == '#' || c == '!') {   /* a stray capture, a predicate name, a negated field */
            q->pos++;
            qs_ident(q);
            return QS_SKIP;
        }
        if (c == '_') {   /* a bare wildcard is the one character: "_??+" is `_` with three quantifiers */
            q->pos++;
            break;
        }
        if (qs_ident_start(c)) {
            size_t start = q->pos;
            qs_ident(q);
            qs_skip(q);
            if (q->pos < q->len && q->s[q->pos] == ':') {   /* `field: pattern`: the pattern is the element */
                if (field == SIZE_MAX) field = start;
                q->pos++;
                continue;
            }
            break;
        }
        q->pos++;   /* an anchor '.', a stray closer or anything tree-sitter will reject */
        return QS_SKIP;
    }
    for (;;) {
        qs_skip(q);
        if (q->pos >= q->len) break;
        char c = q->s[q->pos];
        if (c == '*' || c == '+' || c == '?') {
            if (*quantified) {
                q->bad = q->pos;
                q->why = "a second quantifier on one pattern, or on a group that may match nothing (members all "
                         "optional, or an alternation with an optional one: write a single *, + or ?)";
                return QS_END;
            }
            if (depth == 0 && q->width > AS_QUERY_MAX_REPEATED_ALTERNATIVES) {
                q->bad = q->pos;
                q->why = "a repeated alternation of more than 16 members at a pattern's root (tree-sitter's cursor "
                         "slows as the cube of its width)";
                return QS_END;
            }
            *quantified = true;
            if (c != '+') *nullable = true;
            q->pos++;
        } else if (c == '@') {
            q->pos++;
            qs_ident(q);
        } else {
            break;
        }
    }
    return QS_ELEMENT;
}

/* Elements up to `close` (not consumed) or the end; returns how many, *last_quantified for the last one,
 * *all_nullable when every one may match nothing, *any_nullable when one may. */
static size_t qs_seq(struct qscan *q, char close, int depth, bool *last_quantified, bool *all_nullable,
                     bool *any_nullable)
{
    size_t n = 0;
    *last_quantified = *any_nullable = false;
    *all_nullable = true;
    if (depth > 200) {
        q->give_up = true;
        return 0;
    }
    while (q->bad == SIZE_MAX && !q->give_up) {
        qs_skip(q);
        if (q->pos >= q->len || q->s[q->pos] == close) break;
        if (q->s[q->pos] == ')' || q->s[q->pos] == ']') {
            if (close) break;   /* mismatched: the caller consumes it as its closer */
            q->pos++;
            continue;
        }
        bool quantified, nullable;
        enum qs_result r = qs_element(q, close, depth, &quantified, &nullable);
        if (r == QS_ELEMENT) {
            n++;
            *last_quantified = quantified;
            *all_nullable = *all_nullable && nullable;
            *any_nullable = *any_nullable || nullable;
        }
    }
    return n;
}

/* Offset of a NUL character in the query, raw or as the `\0` escape in a string, or SIZE_MAX. tree-sitter 0.25
 * compares node names with strncmp and then reads the grammar's name at the query string's length, so a
 * string like "x\0yz" reads past the end of the name "x" (ts_language_symbol_for_name; found by fuzzing). */
static size_t nul_in_query(const char *src, size_t len)
{
    const char *raw = memchr(src, '\0', len);
    if (raw) return (size_t)(raw - src);
    for (size_t i = 0; i < len; i++) {
        if (src[i] == ';') {
            while (i < len && src[i] != '\n') i++;
        } else if (src[i] == '"') {
            for (i++; i < len && src[i] != '"'; i++) {
                if (src[i] != '\\') continue;
                if (i + 1 < len && src[i + 1] == '0') return i;
                i++;
            }
        }
    }
    return SIZE_MAX;
}

/* Offset of what the scan refuses in the query source (*why: what is wrong), or SIZE_MAX. */
static size_t refused_shape(const char *src, size_t len, const char **why)
{
    struct qscan q = {src, len, 0, SIZE_MAX, NULL, 1, false};
    bool last, all_empty, any_empty;
    qs_seq(&q, '\0', 0, &last, &all_empty, &any_empty);
    *why = q.why;
    return q.give_up ? SIZE_MAX : q.bad;
}

struct as_query *as_query_compile(const char *name, const char *src, size_t len, char **err)
{
    const char *why = NULL;
    size_t nul = nul_in_query(src, len), refused = nul == SIZE_MAX ? refused_shape(src, len, &why) : SIZE_MAX;
    if (nul != SIZE_MAX || refused != SIZE_MAX) {
        struct as_buf sb;
        as_buf_init(&sb);
        error_at(&sb, name, src, len, nul != SIZE_MAX ? nul : refused,
                 nul != SIZE_MAX ? "NUL character (not supported in queries)" : why);
        *err = as_buf_detach(&sb, NULL);
        return NULL;
    }
    struct as_buf eb;
    as_buf_init(&eb);
    uint32_t off = 0;
    TSQueryError et = TSQueryErrorNone;
    TSQuery *ts = ts_query_new(tree_sitter_python(), src, (uint32_t)len, &off, &et);
    if (!ts) {
        char what[128];
        snprintf(what, sizeof(what), "%s", error_kind(et));
        error_at(&eb, name, src, len, off, what);
        *err = as_buf_detach(&eb, NULL);
        return NULL;
    }
    struct as_query *self = as_xcalloc(1, sizeof(*self));
    self->name = as_xstrdup(name);
    self->ts = ts;
    if (compile_predicates(self, src, len, &eb) != 0) {
        *err = as_buf_detach(&eb, NULL);
        as_query_free(self);
        return NULL;
    }
    as_buf_release(&eb);
    return self;
}

void as_query_free(struct as_query *self)
{
    if (!self) return;
    for (uint32_t i = 0; i < self->n_patterns; i++) pattern_release(&self->patterns[i]);
    free(self->patterns);
    ts_query_delete(self->ts);
    free(self->name);
    free(self);
}

const char *as_query_name(const struct as_query *self) { return self->name; }
const TSQuery *as_query_ts(const struct as_query *self) { return self->ts; }

const char *as_query_pattern_property(const struct as_query *self, uint32_t pattern, const char *key)
{
    if (pattern >= self->n_patterns) return NULL;
    const struct pattern_info *p = &self->patterns[pattern];
    for (size_t i = 0; i < p->n_props; i++)
        if (strcmp(p->props[i].key, key) == 0) return p->props[i].value;
    return NULL;
}

struct as_query_set *as_query_set_load(char **err)
{
    struct as_query_set *set = as_xcalloc(1, sizeof(*set));
    struct as_buf eb, all;
    as_buf_init(&eb);
    as_buf_init(&all);
    for (size_t i = 0; i < as_embedded_count; i++) {
        const struct as_embedded *e = &as_embedded_files[i];
        if (strncmp(e->name, "queries/", 8) != 0) continue;
        as_buf_add(&all, e->data, e->len);
        as_buf_putc(&all, '\n');
    }
    /* Compiling a query costs most of a small run's time (tree-sitter analyses every pattern), so the files
     * are compiled one by one only when the combined query fails, to name the file at fault. */
    char *qerr = NULL;
    set->combined = as_query_compile("queries (combined)", all.data ? all.data : "", all.len, &qerr);
    if (!set->combined) {
        for (size_t i = 0; i < as_embedded_count; i++) {
            const struct as_embedded *e = &as_embedded_files[i];
            if (strncmp(e->name, "queries/", 8) != 0) continue;
            char *ferr = NULL;
            struct as_query *q = as_query_compile(e->name, e->data, e->len, &ferr);
            if (!q) {
                as_buf_puts(&eb, ferr);
                free(ferr);
                continue;
            }
            set->files = as_xrealloc(set->files, (set->n_files + 1) * sizeof(*set->files));
            set->files[set->n_files++] = q;
        }
        if (!eb.len) as_buf_puts(&eb, qerr);
        free(qerr);
    }
    as_buf_release(&all);
    if (eb.len) {
        *err = as_buf_detach(&eb, NULL);
        as_query_set_free(set);
        return NULL;
    }
    as_buf_release(&eb);
    return set;
}

void as_query_set_free(struct as_query_set *self)
{
    if (!self) return;
    for (size_t i = 0; i < self->n_files; i++) as_query_free(self->files[i]);
    free(self->files);
    as_query_free(self->combined);
    free(self);
}

size_t as_query_set_count(const struct as_query_set *self) { return self->n_files; }
const struct as_query *as_query_set_get(const struct as_query_set *self, size_t i) { return self->files[i]; }
const struct as_query *as_query_set_combined(const struct as_query_set *self) { return self->combined; }

static double time_limit_s = AS_QUERY_TIME_LIMIT_S;

void as_query_set_time_limit(double seconds) { time_limit_s = seconds; }

static uint32_t match_limit = 4096;

void as_query_set_match_limit(uint32_t matches) { match_limit = matches ? matches : 1; }

/* Called by the cursor every hundred steps: cancels the run once past its deadline. The clock is the thread's
 * CPU time, so a loaded machine does not make a run time out that would finish when alone; reading it is a
 * system call, made on every 16th call only. */
static bool run_progress(TSQueryCursorState *state)
{
    struct as_query_run *r = state->payload;
    if ((++r->calls & 15) != 0) return false;
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    if (now.tv_sec > r->deadline.tv_sec || (now.tv_sec == r->deadline.tv_sec && now.tv_nsec >= r->deadline.tv_nsec))
        r->timed_out = true;
    return r->timed_out;
}

void as_query_run_start(struct as_query_run *self, TSQueryCursor *cursor, const struct as_query *query,
                        TSNode node, const char *src, size_t src_len)
{
    self->cursor = cursor;
    self->query = query;
    self->src = src;
    self->src_len = src_len;
    self->timed_out = false;
    self->calls = 0;
    ts_query_cursor_set_match_limit(cursor, match_limit);
    if (time_limit_s > 0) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &self->deadline);
        double whole = (double)(time_t)time_limit_s;
        self->deadline.tv_sec += (time_t)whole;
        self->deadline.tv_nsec += (long)((time_limit_s - whole) * 1e9);
        if (self->deadline.tv_nsec >= 1000000000L) {
            self->deadline.tv_sec++;
            self->deadline.tv_nsec -= 1000000000L;
        }
        self->options = (TSQueryCursorOptions){.payload = self, .progress_callback = run_progress};
        ts_query_cursor_exec_with_options(cursor, query->ts, node, &self->options);
    } else {
        ts_query_cursor_exec(cursor, query->ts, node);
    }
}

static void node_text(const struct as_query_run *r, TSNode n, const char **s, uint32_t *len)
{
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (a > r->src_len) a = (uint32_t)r->src_len;
    if (b > r->src_len) b = (uint32_t)r->src_len;
    if (b < a) b = a;
    *s = r->src + a;
    *len = b - a;
}

static bool text_eq(const char *a, uint32_t al, const char *b, uint32_t bl)
{
    return al == bl && memcmp(a, b, al) == 0;
}

static bool regex_matches(const regex_t *re, const char *s, uint32_t len)
{
    char small[256];
    char *buf = len < sizeof(small) ? small : as_xmalloc(len + 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    bool ok = regexec(re, buf, 0, NULL, 0) == 0;
    if (buf != small) free(buf);
    return ok;
}

/* One node against one predicate (without negation). */
static bool node_passes(const struct as_query_run *r, const struct pred *p, TSNode n, const TSQueryMatch *m)
{
    const char *s;
    uint32_t len;
    node_text(r, n, &s, &len);
    switch (p->op) {
    case P_EQ:
        if (p->rhs_is_capture) {
            for (uint16_t k = 0; k < m->capture_count; k++) {
                if (m->captures[k].index != p->rhs_capture) continue;
                const char *t;
                uint32_t tl;
                node_text(r, m->captures[k].node, &t, &tl);
                return text_eq(s, len, t, tl);
            }
            return true;
        }
        return text_eq(s, len, p->literal, p->literal_len);
    case P_MATCH:
        return regex_matches(&p->re, s, len);
    case P_ANY_OF:
        for (size_t k = 0; k < p->n_options; k++)
            if (text_eq(s, len, p->options[k], p->option_lens[k])) return true;
        return false;
    }
    return false;
}

static bool predicates_hold(const struct as_query_run *r, const TSQueryMatch *m)
{
    const struct pattern_info *pat = &r->query->patterns[m->pattern_index];
    for (size_t i = 0; i < pat->n_preds; i++) {
        const struct pred *p = &pat->preds[i];
        bool seen = false, any_pass = false, all_pass = true;
        for (uint16_t k = 0; k < m->capture_count; k++) {
            if (m->captures[k].index != p->capture) continue;
            seen = true;
            bool ok = node_passes(r, p, m->captures[k].node, m) != p->negate;
            any_pass |= ok;
            all_pass &= ok;
        }
        if (!seen) continue; /* an empty quantified capture passes */
        if (p->any ? !any_pass : !all_pass) return false;
    }
    return true;
}

bool as_query_run_next(struct as_query_run *self, TSQueryMatch *match)
{
    while (!self->timed_out && ts_query_cursor_next_match(self->cursor, match)) {
        if (predicates_hold(self, match)) return true;
    }
    return false;
}

bool as_query_exceeded(const struct as_query_run *self)
{
    return self->timed_out || ts_query_cursor_did_exceed_match_limit(self->cursor);
}
