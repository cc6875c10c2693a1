/* fuzz_rules.c — libFuzzer target for the rule-file parser: the bytes are parsed by as_rule_parse as
 * "rules/FUZZ.rule" (header, match: lines with conditions, the Markdown doc); the rule or the error message is
 * then freed. A parsed rule's match patterns are also run through as_qname_glob. The same bytes are also read
 * as a type file (analysis/types.h) and a few names flowed through what it gives. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rules.h"
#include "analysis/types.h"
#include "util/arena.h"
#include "checks/check.h"
#include "util/name_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A long one-segment name: a pattern with many stars that backtracks is slow on it. */
static const char long_name[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static void fuzz_types(const char *text, size_t size)
{
    struct as_types *t = as_types_new();
    char *err = NULL;
    if (as_types_add_file(t, "rules/types/FUZZ.types", text, size, &err) != 0 && !err) abort();
    free(err);
    struct as_arena a;
    as_arena_init(&a);
    static const char *const names[] = {"a.b().c.d()", "<div>().mkdir", "pathlib.Path().parent.exists", "x", ""};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *q = as_types_flow(t, NULL, NULL, &a, names[i]);
        (void)as_types_item(t, q, 0);
    }
    as_arena_release(&a);
    as_types_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *err = NULL;
    struct as_rule *r = as_rule_parse("rules/FUZZ.rule", text, size, as_check_rule_kind, &err);
    if (r) {
        if (err) abort();
        for (size_t i = 0; i < r->n_matches; i++) {
            (void)as_qname_glob(r->matches[i].pattern, "time.sleep");
            (void)as_qname_glob(r->matches[i].pattern, "a.b.c().d");
            (void)as_qname_glob(r->matches[i].pattern, long_name);
            (void)as_qname_glob(r->matches[i].pattern, r->matches[i].pattern);
        }
        as_rule_free(r);
    } else if (!err) {
        abort();   /* a failure must say why */
    }
    free(err);
    fuzz_types(text, size);
    free(text);
    return 0;
}
