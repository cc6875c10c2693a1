/* bench_parse.c — the speed floor for scripts/bench: reads each file named on stdin (one path per line) and
 * parses it with tree-sitter-python, nothing else. Prints files, bytes and seconds spent parsing. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_python());
    char path[4096];
    size_t files = 0, bytes = 0;
    double parse_s = 0;
    char *buf = NULL;
    size_t cap = 0;
    while (fgets(path, sizeof(path), stdin)) {
        path[strcspn(path, "\n")] = '\0';
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t len = 0, n;
        for (;;) {
            if (len + 65536 > cap) {
                cap = cap ? cap * 2 : 1 << 20;
                buf = realloc(buf, cap);
                if (!buf) return 1;
            }
            n = fread(buf + len, 1, 65536, f);
            if (!n) break;
            len += n;
        }
        fclose(f);
        double t = now();
        TSTree *tree = ts_parser_parse_string(parser, NULL, buf, (uint32_t)len);
        parse_s += now() - t;
        ts_tree_delete(tree);
        files++;
        bytes += len;
    }
    printf("files %zu bytes %zu parse_seconds %.3f MB/s %.1f\n", files, bytes, parse_s,
           parse_s > 0 ? (double)bytes / 1e6 / parse_s : 0.0);
    free(buf);
    ts_parser_delete(parser);
    return 0;
}
