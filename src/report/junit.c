/* junit.c — `--output-format junit`: JUnit XML as CI dashboards read it (Ant/Surefire shape): one
 * <testsuite> per file with findings, one failing <testcase> per finding; a run with no findings is one
 * passing testcase. Everything is buffered because the root element carries the totals. */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/text_common.h"
#include "util/xml.h"

struct junit_state {
    struct as_buf body;
    size_t findings, suites;
};

static void begin(struct as_report_ctx *ctx)
{
    static struct junit_state st;
    as_buf_init(&st.body);
    st.findings = st.suites = 0;
    ctx->state = &st;
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct junit_state *st = ctx->state;
    if (!res->n_diags) return;
    struct as_buf *b = &st->body;
    st->suites++;
    st->findings += res->n_diags;
    as_buf_puts(b, "  <testsuite name=\"");
    as_xml_escape(b, res->path);
    as_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", res->n_diags, res->n_diags);
    /* classname: the path without its extension, as ruff writes it */
    char *cls = strdup(res->path);
    char *dot = cls ? strrchr(cls, '.') : NULL;
    if (dot && !strchr(dot, '/')) *dot = '\0';
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_buf_printf(b, "    <testcase name=\"asyncscan.%s\" classname=\"", d->code);
        as_xml_escape(b, cls ? cls : res->path);
        as_buf_puts(b, "\" file=\"");
        as_xml_escape(b, res->path);
        if (!d->cell) as_buf_printf(b, "\" line=\"%u", d->line);   /* a notebook's cell line is none of the file's: */
        as_buf_puts(b, "\">\n      <failure message=\"");                /* no line, as ruff */
        as_xml_escape(b, d->message);
        as_buf_printf(b, "\" type=\"%s\">", d->code);
        struct as_buf t;
        as_buf_init(&t);
        as_buf_printf(&t, "%s:", res->path);
        as_report_position(&t, d);
        as_buf_printf(&t, ": %s %s", d->code, d->message);
        as_xml_escape(b, t.data);
        as_buf_release(&t);
        as_buf_puts(b, "</failure>\n    </testcase>\n");
    }
    free(cls);
    as_buf_puts(b, "  </testsuite>\n");
}

static void end(struct as_report_ctx *ctx)
{
    struct junit_state *st = ctx->state;
    FILE *o = ctx->out;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", o);
    if (!st->findings) {
        fputs("<testsuites name=\"asyncscan\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
              "  <testsuite name=\"asyncscan\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
              "    <testcase name=\"No errors found\" classname=\"asyncscan\"/>\n"
              "  </testsuite>\n</testsuites>\n", o);
    } else {
        fprintf(o, "<testsuites name=\"asyncscan\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", st->findings,
                st->findings);
        fwrite(st->body.data, 1, st->body.len, o);
        fputs("</testsuites>\n", o);
    }
    as_buf_release(&st->body);
}

const struct as_reporter as_reporter_junit = {"junit", begin, file, end};
