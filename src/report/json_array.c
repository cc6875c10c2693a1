/* json_array.c — the JSON array framing shared by array-shaped reports; see json_array.h. */
#include "report/json_array.h"

struct array_state {
    size_t written;
};

void as_json_array_begin(struct as_report_ctx *ctx)
{
    static _Thread_local struct array_state st;
    st.written = 0;
    ctx->state = &st;
    fputc('[', ctx->out);
}

void as_json_array_next(struct as_report_ctx *ctx, struct as_buf *b)
{
    struct array_state *st = ctx->state;
    as_buf_puts(b, st->written++ ? ",\n  " : "\n  ");
}

void as_json_array_end(struct as_report_ctx *ctx)
{
    struct array_state *st = ctx->state;
    fputs(st->written ? "\n]\n" : "]\n", ctx->out);
}
