/* rewrite_fix.c — --fix, --unsafe-fixes, --fix-only, --diff, --show-fixes, --exit-non-zero-on-fix and the
 * config keys fix / unsafe-fixes / fixable / unfixable: each file is fixed by the edit engine (fix/fix.h)
 * from a fresh analysis of the bytes read right before writing, written in place (fix/inplace.h), and what
 * remains is reported; the summary says what was fixed and what --unsafe-fixes would fix. */
#include <stdlib.h>
#include <string.h>

#include "input/notebook.h"
#include "cli/rewrite.h"
#include "fix/diff.h"
#include "fix/inplace.h"
#include "input/source.h"
#include "project/project.h"
#include "util/buf.h"
#include "util/visible.h"
#include "util/xalloc.h"

/* Whether `code` is named by a comma-separated list of codes or prefixes (ALL names every code). */
static bool listed(const char *list, const char *code)
{
    if (!list) return false;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ') p++, n--;
        while (n && p[n - 1] == ' ') n--;
        if ((n == 3 && strncmp(p, "ALL", 3) == 0) || (n && strncmp(code, p, n) == 0)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static bool fixable(void *ud, const char *code)
{
    const struct as_fix_mode *m = ud;
    return (!m->fixable || listed(m->fixable, code)) && !listed(m->unfixable, code);
}

bool as_rewrite_unsafe_fixes(const struct as_options *o, int configured)
{
    bool given = o->unsafe_fixes && !(o->options_are_defaults && configured >= 0);   /* the file's key wins then */
    return given ? o->unsafe_fixes > 0 : configured == 1;
}

void as_rewrite_fix_mode(const struct as_options *o, const struct as_settings *settings, const char *format,
                         struct as_fix_mode *mode)
{
    /* the command line's `--config 'KEY = VALUE'` overrides rank above the root configuration file */
    const struct as_config *root = settings && settings->has_root ? &settings->configs[0] : NULL;
    const struct as_config *ov = settings && settings->has_overrides ? &settings->overrides : NULL;
    int fix = ov && ov->fix >= 0 ? ov->fix : root ? root->fix : -1;
    int unsafe = ov && ov->unsafe_fixes >= 0 ? ov->unsafe_fixes : root ? root->unsafe_fixes : -1;
    memset(mode, 0, sizeof(*mode));
    mode->only = o->fix_only || o->diff;
    mode->dry_run = o->diff;
    mode->apply = mode->only || (o->fix ? o->fix > 0 : fix == 1);
    mode->unsafe = as_rewrite_unsafe_fixes(o, unsafe);
    mode->show_fixes = o->show_fixes;
    mode->exit_non_zero_on_fix = o->exit_non_zero_on_fix;
    mode->fixable = ov && ov->fixable ? ov->fixable : root ? root->fixable : NULL;
    mode->unfixable = ov && ov->unfixable ? ov->unfixable : root ? root->unfixable : NULL;
    mode->describe = mode->apply || o->unsafe_fixes || o->show_fixes || fix >= 0 || unsafe >= 0 ||
                     strcmp(format, "json") == 0 || strcmp(format, "json-lines") == 0 || strcmp(format, "sarif") == 0;
}

void as_rewrite_set_mode(struct as_rewrite *self, const struct as_fix_mode *mode)
{
    self->mode = *mode;
    self->fix.unsafe = self->mode.unsafe;
    self->fix.fixable = fixable;
    self->fix.ud = &self->mode;
}

struct fix_job {
    struct as_rewrite *rw;
    const char *shown;
    int cfg;
    const struct as_file_result *run;
    const char *orig;                 /* the bytes being transformed (valid during the transformation) */
    size_t orig_len;
    struct as_file_result first;      /* their analysis */
    struct as_fix_outcome outcome;
    char *new_bytes;                  /* the fixed file as written (a copy) */
    size_t new_len;
    char *old_bytes;                  /* a notebook's bytes before (a copy; its --diff compares cells) */
    size_t old_len;
    bool have;
    bool is_notebook;                 /* the bytes are a notebook's JSON, read into nb */
    struct as_notebook nb;
    struct as_arena nb_arena;
};

/* The file's bytes for fixed text `text`: encoded as the file was (a .py), or written into the notebook's JSON
 * at the edited cells' sources (cell_starts: where its cells start in text). */
static int encode_text(struct fix_job *job, const char *text, size_t len, const uint32_t *cell_starts, char **out,
                       size_t *out_len, char *err, size_t errlen)
{
    if (!job->is_notebook) return as_source_encode_like(job->orig, job->orig_len, text, len, out, out_len, err, errlen);
    if (!cell_starts) {
        snprintf(err, errlen, "the notebook's cells were lost");
        return -1;
    }
    if (as_notebook_apply_cells(&job->nb, job->orig, job->orig_len, text, len, cell_starts, out, out_len, err,
                                errlen) != 0)
        return -1;
    if (!*out) {   /* unchanged */
        *out = as_xstrndup(job->orig, job->orig_len);
        *out_len = job->orig_len;
    }
    return 0;
}

static void analyse_text(void *ud, const char *text, size_t len, const uint32_t *cell_starts, struct as_file_result *out)
{
    struct fix_job *job = ud;
    char *bytes = NULL, err[256];
    size_t n = 0;
    if (encode_text(job, text, len, cell_starts, &bytes, &n, err, sizeof(err)) != 0) {
        as_file_result_init(out);
        out->error = as_arena_strdup(&out->arena, err);
        return;
    }
    as_rewrite_analyse(job->rw, job->shown, job->cfg, bytes, n, NULL, out);
    free(bytes);
}

static void job_reset(struct fix_job *job)
{
    if (job->is_notebook) as_arena_release(&job->nb_arena);
    job->is_notebook = false;
    if (!job->have) return;
    as_fix_outcome_release(&job->outcome);
    as_file_result_release(&job->first);
    free(job->new_bytes);
    free(job->old_bytes);
    job->new_bytes = job->old_bytes = NULL;
    job->have = false;
}

static int fix_transform(void *ud, const char *bytes, size_t len, char **out, size_t *out_len, char *err,
                         size_t errlen)
{
    struct fix_job *job = ud;
    job_reset(job);
    job->orig = bytes;
    job->orig_len = len;
    as_rewrite_analyse(job->rw, job->shown, job->cfg, bytes, len, job->run, &job->first);
    job->have = true;
    if (!job->first.text) {
        snprintf(err, errlen, "%s", job->first.error ? job->first.error : "cannot decode");
        return -1;
    }
    if (as_notebook_path(job->shown)) {   /* the cells' sources are written back into the JSON as they are */
        as_arena_init(&job->nb_arena);
        job->is_notebook = true;
        if (as_notebook_read(&job->nb, &job->nb_arena, bytes, len, err, errlen) != 0) return -1;
    }
    as_fix_text(job->first.text, job->first.text_len, &job->first, &job->rw->fix, analyse_text, job, &job->outcome);
    if (!job->outcome.text) return 0;
    if (encode_text(job, job->outcome.text, job->outcome.len, job->outcome.cell_starts, out, out_len, err, errlen) != 0)
        return -1;
    job->new_bytes = as_xmalloc(*out_len + 1);
    memcpy(job->new_bytes, *out, *out_len + 1);
    job->new_len = *out_len;
    if (job->is_notebook) {
        job->old_bytes = as_xstrndup(bytes, len);
        job->old_len = len;
    }
    return 0;
}

/* res's findings become those of the fixed text, plus the run's project-wide ones from other modules that
 * the fixes left (their lines moved as the fixes moved them); its text becomes the fixed text. */
static void take_remaining(struct as_rewrite *rw, struct fix_job *job, struct as_file_result *res)
{
    const struct as_file_result *last = &job->outcome.last, *first = &job->first;
    struct as_diag *all = as_arena_alloc(&res->arena, (last->n_diags + first->n_diags + 1) * sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < last->n_diags; i++) all[n++] = last->diags[i];
    for (size_t i = 0; i < first->n_diags; i++) {
        struct as_diag d = first->diags[i];
        if (job->outcome.first_fixed[i] || !rw->owner || !as_project_owns(rw->owner, &d)) continue;
        d.line = as_fix_map_line(&job->outcome, d.line);
        d.end_line = as_fix_map_line(&job->outcome, d.end_line);
        d.noqa_line = as_fix_map_line(&job->outcome, d.noqa_line);
        bool have = false;
        for (size_t k = 0; k < last->n_diags && !have; k++)
            have = last->diags[k].line == d.line && last->diags[k].col == d.col && strcmp(last->diags[k].code, d.code) == 0;
        if (!have) all[n++] = d;
    }
    for (size_t i = 0; i < n; i++) {   /* into res's arena (the outcome goes) */
        all[i].message = as_arena_strdup(&res->arena, all[i].message);
        all[i].help = all[i].help ? as_arena_strdup(&res->arena, all[i].help) : NULL;
        all[i].chain = NULL;
        all[i].n_chain = 0;
        all[i].fix = NULL;
    }
    as_diags_sort(all, n);
    res->diags = all;
    res->n_diags = n;
    as_result_attach_source(res, job->new_bytes, job->new_len);
}

static void list_fixed(struct as_rewrite *rw, const char *shown, const struct as_fix_outcome *o)
{
    struct as_buf b;
    as_buf_init(&b);
    if (rw->shown_fixes) as_buf_add(&b, rw->shown_fixes, rw->shown_len);
    as_buf_add(&b, "- ", 2);
    as_buf_add_visible(&b, shown, strlen(shown));   /* a name from the tree: no terminal control */
    as_buf_add(&b, ":\n", 2);
    for (size_t i = 0; i < o->n_codes; i++)
        as_buf_printf(&b, "    %zu × %s (%s)\n", o->fixed[i].n, o->fixed[i].code, o->fixed[i].name);
    free(rw->shown_fixes);
    rw->shown_fixes = as_buf_detach(&b, &rw->shown_len);
}

static void fix_file(struct as_rewrite *rw, const char *path, int cfg, struct as_file_result *res)
{
    struct fix_job job = {.rw = rw, .shown = res->path, .cfg = cfg, .run = res};
    char err[512];
    enum as_inplace_result r = as_inplace_rewrite(path, rw->max_size, rw->mode.dry_run, fix_transform, &job, err,
                                                  sizeof(err));
    if (r == AS_INPLACE_FAILED) {
        fputs("asyncscan: error: ", rw->err);
        as_fputs_visible(res->path, rw->err);   /* a name from the tree: no terminal control (util/visible.h) */
        fprintf(rw->err, ": %s\n", err);
        rw->errors++;
    }
    for (size_t i = 0; job.have && i < job.outcome.n_notes; i++) {
        fputs("asyncscan: warning: ", rw->err);
        as_fputs_visible(res->path, rw->err);
        const char *note = job.outcome.notes[i];   /* "3:5: ..." and a notebook's "cell 2:3:5: ..." follow the path */
        bool position = (note[0] >= '0' && note[0] <= '9') || strncmp(note, "cell ", 5) == 0;
        fprintf(rw->err, ":%s%s\n", position ? "" : " ", note);
    }
    if (r == AS_INPLACE_WRITTEN && job.outcome.text) {
        rw->n_fixed += job.outcome.n_fixed;
        if (rw->mode.show_fixes) list_fixed(rw, res->path, &job.outcome);
        if (rw->mode.dry_run) {
            struct as_buf d;
            as_buf_init(&d);
            if (job.old_bytes)   /* a notebook: per cell, as ruff */
                as_fix_notebook_diff(&d, res->path, job.old_bytes, job.old_len, job.new_bytes, job.new_len);
            else
                as_fix_unified_diff(&d, res->path, job.first.text, job.first.text_len, job.outcome.text, job.outcome.len);
            fwrite(d.data, 1, d.len, rw->out);
            rw->any_diff |= d.len > 0;
            as_buf_release(&d);
        } else {
            take_remaining(rw, &job, res);
        }
    }
    job_reset(&job);
}

void as_rewrite_fix(struct as_rewrite *self, const char *path, int cfg, struct as_file_result *res)
{
    if (!self->mode.describe) return;
    if (self->mode.apply && path && res->n_diags) fix_file(self, path, cfg, res);
    as_fix_describe(res);
    struct as_fix_settings with_unsafe = self->fix;
    with_unsafe.unsafe = true;
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        if (as_fix_applies(&self->fix, d->code, d->fix)) self->n_fixable++;
        else if (as_fix_applies(&with_unsafe, d->code, d->fix)) self->n_hidden++;
    }
}

void as_rewrite_summary(const struct as_rewrite *self, size_t n_findings, size_t n_files, bool errors)
{
    FILE *err = self->err;
    size_t fixed = self->n_fixed, hidden = self->n_hidden;
    const char *es = hidden == 1 ? "" : "es";
    if (self->mode.show_fixes && fixed)
        fprintf(err, "\nFixed %zu error%s:\n%s", fixed, fixed == 1 ? "" : "s", self->shown_fixes ? self->shown_fixes : "");
    if (self->mode.only) {
        const char *verb = self->mode.dry_run ? "Would fix" : "Fixed";
        if (fixed) fprintf(err, "%s %zu error%s", verb, fixed, fixed == 1 ? "" : "s");
        else fprintf(err, "%s", self->mode.dry_run ? "No errors would be fixed" : "No errors fixed");
        if (hidden) fprintf(err, " (%zu%s fix%s available with `--unsafe-fixes`)", hidden, fixed ? " additional" : "", es);
        fprintf(err, ".\n");
        return;
    }
    size_t total = n_findings + fixed;
    if (fixed)
        fprintf(err, "Found %zu error%s (%zu fixed, %zu remaining).\n", total, total == 1 ? "" : "s", fixed, n_findings);
    else if (n_findings)
        fprintf(err, "Found %zu error%s in %zu file%s.\n", n_findings, n_findings == 1 ? "" : "s", n_files,
                n_files == 1 ? "" : "s");
    else if (!errors)
        fprintf(err, "All checks passed!\n");
    size_t can = self->n_fixable;
    if (can && hidden)
        fprintf(err, "[*] %zu fixable with the `--fix` option (%zu hidden fix%s can be enabled with the `--unsafe-fixes` option).\n",
                can, hidden, es);
    else if (can)
        fprintf(err, "[*] %zu fixable with the `--fix` option.\n", can);
    else if (hidden)
        fprintf(err, "No fixes available (%zu hidden fix%s can be enabled with the `--unsafe-fixes` option).\n", hidden, es);
}

int as_rewrite_status(const struct as_rewrite *self, int status)
{
    if (status == 2 || self->errors) return 2;
    if (self->mode.dry_run) return self->any_diff ? 1 : 0;
    if (self->mode.exit_non_zero_on_fix && self->n_fixed) return 1;
    return self->mode.only ? 0 : status;
}
