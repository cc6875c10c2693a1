/* rewrite.c — fresh analyses for the commands that rewrite files, and --add-noqa (see rewrite.h). */
#include "cli/rewrite.h"

#include <stdlib.h>
#include <string.h>

#include "fix/inplace.h"
#include "input/notebook.h"
#include "pipeline/noqa_edit.h"
#include "project/project.h"
#include "util/visible.h"
#include "util/xalloc.h"

void as_rewrite_init(struct as_rewrite *self, const struct as_engine *engine, const struct as_settings *settings,
                     unsigned max_chain, size_t max_size, FILE *out, FILE *err)
{
    memset(self, 0, sizeof(*self));
    self->engine = engine;
    self->settings = settings;
    self->max_chain = max_chain;
    self->max_size = max_size;
    self->owner = as_project_new(engine, max_chain);
    self->out = out;
    self->err = err;
}

void as_rewrite_release(struct as_rewrite *self)
{
    if (self->worker) as_worker_free(self->worker);
    if (self->owner) as_project_free(self->owner);
    free(self->shown_fixes);
    self->worker = NULL;
    self->owner = NULL;
    self->shown_fixes = NULL;
}

static bool same_finding(const struct as_diag *a, const struct as_diag *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->code, b->code) == 0;
}

/* Whether the findings of `a` and `b` that `project` does not own are the same (code and position). */
static bool same_own_findings(const struct as_project *project, const struct as_file_result *a,
                              const struct as_file_result *b)
{
    size_t i = 0, k = 0;
    for (;;) {
        while (i < a->n_diags && as_project_owns(project, &a->diags[i])) i++;
        while (k < b->n_diags && as_project_owns(project, &b->diags[k])) k++;
        if (i == a->n_diags || k == b->n_diags) return i == a->n_diags && k == b->n_diags;
        if (!same_finding(&a->diags[i++], &b->diags[k++])) return false;
    }
}

/* Adds the project-wide findings of `run` that `out` does not have (copies in out's arena). */
static void add_run_findings(const struct as_project *project, const struct as_file_result *run,
                             struct as_file_result *out)
{
    size_t extra = 0;
    for (size_t i = 0; i < run->n_diags; i++) extra += as_project_owns(project, &run->diags[i]);
    if (!extra) return;
    struct as_diag *all = as_arena_alloc(&out->arena, (out->n_diags + extra) * sizeof(*all));
    size_t n = out->n_diags;
    if (n) memcpy(all, out->diags, n * sizeof(*all));
    for (size_t i = 0; i < run->n_diags; i++) {
        const struct as_diag *d = &run->diags[i];
        if (!as_project_owns(project, d)) continue;
        bool have = false;
        for (size_t k = 0; k < out->n_diags && !have; k++) have = same_finding(&out->diags[k], d);
        if (have) continue;
        all[n] = *d;
        all[n].message = as_arena_strdup(&out->arena, d->message);
        all[n].help = d->help ? as_arena_strdup(&out->arena, d->help) : NULL;
        all[n].n_chain = 0;   /* the chain is the run's to show; a rewrite needs the position and code */
        all[n].chain = NULL;
        n++;
    }
    as_diags_sort(all, n);
    out->diags = all;
    out->n_diags = n;
}

void as_rewrite_analyse(struct as_rewrite *self, const char *shown, int cfg, const char *bytes, size_t len,
                        const struct as_file_result *run, struct as_file_result *out)
{
    as_file_result_init(out);
    if (!self->worker) self->worker = as_worker_new();
    as_analyze_buffer_ex(self->worker, self->engine, shown, bytes, len, true, out);
    struct as_project *project = as_project_new(self->engine, self->max_chain);
    if (project) {
        as_project_declare(project, 0, out->path);
        as_project_add(project, 0, out);
        as_project_solve(project);
        as_project_findings(project, 0, out);
    }
    if (self->settings) as_settings_filter(self->settings, self->engine, cfg, out);
    if (project && run && same_own_findings(project, out, run)) add_run_findings(project, run, out);
    if (project) as_project_free(project);
}

/* ---- --add-noqa ------------------------------------------------------------------------------------------ */

struct noqa_job {
    struct as_rewrite *rw;
    const char *shown;
    int cfg;
    const struct as_file_result *run;
    int added;
    struct as_noqa_want *wants;   /* of the last transformation (the skips name their codes) */
    struct as_noqa_skip *skips;
    size_t n_wants, n_skips;
};

/* Whether the edited text still has one of the wanted findings, or parses differently from the original. */
static bool noqa_verify_fails(struct noqa_job *job, const struct as_file_result *before, const char *edited,
                              size_t len)
{
    struct as_file_result after;
    as_rewrite_analyse(job->rw, job->shown, job->cfg, edited, len, NULL, &after);
    bool bad = (after.error != NULL) != (before->error != NULL) ||
               (after.error && before->error && strcmp(after.error, before->error) != 0);
    for (size_t i = 0; i < before->n_diags && !bad; i++) {
        bool wanted_line = false;
        for (size_t s = 0; s < job->n_skips; s++) wanted_line |= job->skips[s].line == before->diags[i].noqa_line;
        for (size_t k = 0; k < after.n_diags && !bad && !wanted_line; k++)
            bad = same_finding(&after.diags[k], &before->diags[i]);
    }
    as_file_result_release(&after);
    return bad;
}

static int noqa_transform(void *ud, const char *bytes, size_t len, char **out, size_t *out_len, char *err,
                          size_t errlen)
{
    struct noqa_job *job = ud;
    struct as_file_result now;
    as_rewrite_analyse(job->rw, job->shown, job->cfg, bytes, len, job->run, &now);
    free(job->wants);
    free(job->skips);
    job->n_wants = now.n_diags;
    job->wants = as_xcalloc(now.n_diags + 1, sizeof(*job->wants));
    job->skips = as_xcalloc(now.n_diags + 1, sizeof(*job->skips));
    for (size_t i = 0; i < now.n_diags; i++) {
        job->wants[i].line = now.diags[i].noqa_line;
        job->wants[i].code = now.diags[i].code;
    }
    int rc = 0;
    /* a notebook's directives go into its JSON at the edited source strings (noqa_edit.h) */
    job->added = as_noqa_add_file(as_notebook_path(job->shown), bytes, len, job->wants, job->n_wants, out, out_len,
                                  &job->n_skips, job->skips, err, errlen);
    if (job->added < 0) {
        rc = -1;
    } else if (job->added > 0 && noqa_verify_fails(job, &now, *out, *out_len)) {
        snprintf(err, errlen, "--add-noqa: the edited file did not verify (unchanged); please report this");
        free(*out);
        *out = NULL;
        rc = -1;
    }
    as_file_result_release(&now);
    return rc;
}

/* The codes wanted on `line`, comma-separated, into buf. */
static void codes_on_line(const struct noqa_job *job, uint32_t line, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < job->n_wants; i++) {
        if (job->wants[i].line != line || strstr(buf, job->wants[i].code)) continue;
        int w = snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", job->wants[i].code);
        if (w < 0 || (size_t)w >= cap - k) break;
        k += (size_t)w;
    }
}

void as_rewrite_add_noqa(struct as_rewrite *self, const char *path, int cfg, const struct as_file_result *run)
{
    struct noqa_job job = {.rw = self, .shown = run->path, .cfg = cfg, .run = run};
    char err[512];
    enum as_inplace_result r = as_inplace_rewrite(path, self->max_size, false, noqa_transform, &job, err, sizeof(err));
    if (r == AS_INPLACE_FAILED) {
        fputs("asyncscan: error: ", self->err);
        as_fputs_visible(run->path, self->err);   /* a name from the tree: no terminal control (util/visible.h) */
        fprintf(self->err, ": %s\n", err);
        self->errors++;
    } else {
        for (size_t s = 0; s < job.n_skips; s++) {
            char codes[256];
            codes_on_line(&job, job.skips[s].line, codes, sizeof(codes));
            fputs("asyncscan: warning: ", self->err);
            as_fputs_visible(run->path, self->err);
            fprintf(self->err, ":%u: no `# noqa: %s` added: %s\n", job.skips[s].line, codes,
                    as_noqa_skip_reason_text(job.skips[s].reason));
        }
        self->noqa_skipped += job.n_skips;
        if (r == AS_INPLACE_WRITTEN) self->noqa_added += (size_t)job.added;
    }
    free(job.wants);
    free(job.skips);
}
