/* fix.h — fixes: what each rule's fix does (fixes.c, one table keyed by code), fixes shown on findings
 * (ruff's `fix` object), and the edit engine that applies them to a file's text.
 * The engine works on decoded UTF-8 text (the caller encodes it back: input/source.h). Each pass takes the
 * fixes of the current findings that the settings allow, keeps those whose edits overlap no other's (the rest
 * wait for the next pass), adds each import they need once (`import asyncio` after the last top-level import),
 * applies them in one sweep and re-analyses the result. A pass whose result has a syntax error the text did
 * not have, or findings other than the fixed ones that changed unexpectedly, is undone and its fixes are tried
 * one by one; a fix that fails alone is dropped and said. Passes repeat until nothing changes (at most 100). */
#ifndef AS_FIX_FIX_H
#define AS_FIX_FIX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

#define AS_FIX_MAX_PASSES 100
/* The most fixes one pass applies together (a failed pass is bisected to find the fixes that fail alone). */
#define AS_FIX_PASS_PLANS 1024

/* What a rule's fix does, for `asyncscan rule CODE` and the summary. */
struct as_fix_info {
    const char *code;
    enum as_fix_applicability applicability;   /* the best it gets (it may be lower at a given site) */
    const char *doc;                           /* one paragraph: what it does, when it is not offered */
};
/* The fix of rule `code`, or NULL when it has none. */
const struct as_fix_info *as_fix_info_for(const char *code);
/* "safe", "unsafe", "display-only" (ruff's spelling). */
const char *as_fix_applicability_name(enum as_fix_applicability a);

/* Which fixes may be applied: `unsafe` lets unsafe ones too; `fixable(ud, code)` (NULL: all) says whether a
 * rule's fixes may be applied at all (fixable / unfixable). */
struct as_fix_settings {
    bool unsafe;
    bool (*fixable)(void *ud, const char *code);
    void *ud;
};
/* Whether fix f may be applied under s for a finding of `code`. */
bool as_fix_applies(const struct as_fix_settings *s, const char *code, const struct as_fix *f);

/* Sets d->fix on each finding of res whose rule offers a fix at that site (res->text must be present;
 * allocations in res's arena). */
void as_fix_describe(struct as_file_result *res);

/* Analyses UTF-8 `text` as the file being fixed (the caller encodes it and runs the engine; out is initialised
 * by the callee and released by the engine). For a notebook, `cell_starts` says where each of its code cells
 * starts in text (as many as the first analysis had cells); NULL otherwise. */
typedef void (*as_fix_analyse_fn)(void *ud, const char *text, size_t len, const uint32_t *cell_starts,
                                  struct as_file_result *out);

struct as_fix_count {
    const char *code, *name;   /* static (the rule table) */
    size_t n;
};

struct as_fix_outcome {
    char *text;                 /* the fixed text (heap), or NULL when nothing was applied */
    size_t len;
    struct as_fix_count *fixed; /* per rule, in code order (heap) */
    size_t n_codes, n_fixed;
    bool *first_fixed;          /* parallel to the findings given: fixed (heap) */
    char **notes;               /* what could not be done, one line each ("3:5: ASYNC251: ..."); heap */
    size_t n_notes;
    struct as_file_result last; /* the analysis of the final text (when text is set) */
    uint32_t *cell_starts;      /* a notebook's: where each code cell starts in text (heap), else NULL */
    /* line shifts of the applied passes, for as_fix_map_line */
    struct { uint32_t pass, line; int32_t delta; } *shifts;
    size_t n_shifts;
    size_t passes;
};

/* Fixes `text` (UTF-8): `first` is its analysis by the run (positions in text; may hold findings `analyse`
 * cannot see, such as another module's project-wide ones). Returns 0; the outcome is released by the caller.
 * A notebook (`first` has cells: text is its code cells joined, each followed by one "\n") is fixed cell by
 * cell: the magics are neutralised for the parse, an edit that would cover the "\n" ending a cell is not
 * applied (said in a note), an insertion at a cell's start belongs to that cell, an added import goes where
 * ruff puts it (after the last top-level import before the first use, else at the top of the first cell), and
 * a syntax error in one cell leaves the fixes of the other cells applied. Notes name `cell N:L:C`. */
int as_fix_text(const char *text, size_t len, const struct as_file_result *first, const struct as_fix_settings *s,
                as_fix_analyse_fn analyse, void *ud, struct as_fix_outcome *out);
void as_fix_outcome_release(struct as_fix_outcome *o);
/* Where line `line` of the original text is in the fixed one. */
uint32_t as_fix_map_line(const struct as_fix_outcome *o, uint32_t line);

#endif
