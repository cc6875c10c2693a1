/* fuzz_rules.c — libFuzzer target for the rule-file parser: the bytes are parsed by as_rule_parse as
 * "rules/FUZZ.rule" (header, match: lines with conditions, the Markdown doc); the rule or the error message is
 * then freed. A parsed rule's match patterns are also run through as_qname_glob. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rules.h"
#include "checks/check.h"
#include "util/name_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A long one-segment name: a pattern with many stars that backtracks is slow on it. */
static const char long_name[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

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
    free(text);
    return 0;
}
