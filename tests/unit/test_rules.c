/* test_rules.c — rule files: the shipped ones load and are well-formed; malformed ones are errors naming the
 * file and line; selection by code, prefix and ALL; unknown selectors suggest the closest code; the index
 * finds rules by qualified name, including fnmatch patterns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "analysis/conditions.h"
#include "analysis/rules.h"
#include "util/name_match.h"
#include "test_util.h"

static const char *const doc =
    "---\n## What it does\nx\n## Why is this bad?\ny\n## Example\n```\n```\n## Use instead\n```\n```\n";

static char *rule_text(const char *header)
{
    size_t n = strlen(header) + strlen(doc) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s", header, doc);
    return s;
}

START_TEST(shipped_rules_load)
{
    struct as_ruleset set;
    char *err = NULL;
    ck_assert_msg(as_ruleset_load_embedded(&set, as_check_rule_kind, &err) == 0, "load: %s", err ? err : "");
    ck_assert_uint_ge(set.n, 3);
    for (size_t i = 1; i < set.n; i++) ck_assert_int_lt(strcmp(set.rules[i - 1]->code, set.rules[i]->code), 0);
    const struct as_rule *r = as_ruleset_find(&set, "ASYNC251");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->name, "blocking-sleep-in-async-function");
    ck_assert_str_eq(r->kind->name, "blocking-call");
    ck_assert(r->default_on);
    ck_assert_str_eq(r->matches[0].pattern, "time.sleep");
    ck_assert_ptr_nonnull(strstr(r->doc, "## Use instead"));
    as_ruleset_release(&set);
}
END_TEST

struct bad_rule {
    const char *header;
    const char *error;
};

static const struct bad_rule bad_rules[] = {
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\nfrobs: 1\n",
     "r.rule:8: error: unknown key 'frobs'"},
    {"code: X1\ncode: X2\n", "r.rule:2: error: duplicate key 'code'"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\ndefault: maybe\n",
     "r.rule:8: error: default must be 'on' or 'off', not 'maybe'"},
    {"code: x1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n",
     "r.rule: error: invalid code 'x1'"},
    {"code: X1\nname: Bad_Name\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n",
     "r.rule: error: invalid name 'Bad_Name'"},
    {"code: X1\nname: n\nold-names: ok Bad,name\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n",
     "r.rule: error: invalid old-names 'ok Bad,name'"},
    {"code: X1\nname: n\nkind: nope\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n",
     "r.rule: error: unknown kind 'nope'"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\n", "r.rule: error: no 'match:' line"},
    {"code: X1\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n",
     "r.rule: error: missing required key 'name'"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a;b\n",
     "r.rule:7: error: bad character in match pattern 'a;b'"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b if-arg\n",
     "r.rule:7: error: condition 'if-arg': unknown condition"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b if:0\n",
     "r.rule:7: error: condition 'if:0': expected an operator"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b if-nargs:x\n",
     "r.rule:7: error: condition 'if-nargs:x': if-nargs needs one digit"},
    {"code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b unless-polled:\n",
     "r.rule:7: error: condition 'unless-polled:': unless-polled needs a method name"},
    {"just text\n", "r.rule:1: error: expected 'key: value'"},
};

/* A rule ruff has is named as ruff names it: the last segment of its docs URL (tools that key on ruff's JSON
 * `name` see the same), and its old names still find it. */
START_TEST(ruff_names)
{
    struct as_ruleset set;
    char *err = NULL;
    ck_assert_msg(as_ruleset_load_embedded(&set, as_check_rule_kind, &err) == 0, "load: %s", err ? err : "");
    const char *prefix = "https://docs.astral.sh/ruff/rules/";
    size_t checked = 0;
    for (size_t i = 0; i < set.n; i++) {
        const struct as_rule *r = set.rules[i];
        if (!r->url || strncmp(r->url, prefix, strlen(prefix)) != 0) continue;
        char slug[128];
        snprintf(slug, sizeof(slug), "%s", r->url + strlen(prefix));
        size_t n = strlen(slug);
        if (n && slug[n - 1] == '/') slug[n - 1] = '\0';
        ck_assert_msg(strcmp(r->name, slug) == 0, "%s is named %s, ruff calls it %s", r->code, r->name, slug);
        checked++;
    }
    ck_assert_uint_ge(checked, 15);
    ck_assert_str_eq(as_ruleset_find_named(&set, "blocking-sleep")->code, "ASYNC251");
    ck_assert_str_eq(as_ruleset_find_named(&set, "blocking-sleep-in-async-function")->code, "ASYNC251");
    ck_assert_str_eq(as_ruleset_find_named(&set, "blocking-open-call")->code, "ASYNC230");
    ck_assert_str_eq(as_ruleset_find_named(&set, "RUF006")->code, "RUF006");
    ck_assert_ptr_null(as_ruleset_find_named(&set, "blocking"));
    ck_assert_ptr_null(as_ruleset_find_named(&set, "sleep"));
    as_ruleset_release(&set);
}
END_TEST

START_TEST(malformed_rules)
{
    char *text = rule_text(bad_rules[_i].header);
    char *err = NULL;
    struct as_rule *r = as_rule_parse("r.rule", text, strlen(text), as_check_rule_kind, &err);
    ck_assert_ptr_null(r);
    ck_assert_msg(err && strncmp(err, bad_rules[_i].error, strlen(bad_rules[_i].error)) == 0, "got '%s', want '%s'",
                  err ? err : "(null)", bad_rules[_i].error);
    free(err);
    free(text);
}
END_TEST

START_TEST(missing_doc_section)
{
    const char *text = "code: X1\nname: n\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: a.b\n---\n"
                       "## What it does\nx\n## Example\n";
    char *err = NULL;
    ck_assert_ptr_null(as_rule_parse("r.rule", text, strlen(text), as_check_rule_kind, &err));
    ck_assert_str_eq(err, "r.rule: error: documentation lacks the section '## Why is this bad?'\n");
    free(err);
}
END_TEST

static size_t count_enabled(const struct as_ruleset *set, const bool *en)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) n += en[i];
    return n;
}

START_TEST(selection)
{
    struct as_ruleset set;
    char *err = NULL;
    ck_assert_int_eq(as_ruleset_load_embedded(&set, as_check_rule_kind, &err), 0);
    bool *en = calloc(set.n, sizeof(bool));
    ck_assert_int_eq(as_ruleset_select(&set, "ASYNC251", NULL, NULL, en, &err), 0);
    ck_assert_uint_eq(count_enabled(&set, en), 1);
    ck_assert_int_eq(as_ruleset_select(&set, "ALL", NULL, "ASYNC", en, &err), 0);
    for (size_t i = 0; i < set.n; i++) ck_assert(en[i] == (strncmp(set.rules[i]->code, "ASYNC", 5) != 0));
    ck_assert_int_eq(as_ruleset_select(&set, "RUF", "ASYNC251", "RUF100", en, &err), 0);
    ck_assert_uint_eq(count_enabled(&set, en), 2);
    for (size_t i = 0; i < set.n; i++)
        ck_assert(en[i] == (!strcmp(set.rules[i]->code, "RUF006") || !strcmp(set.rules[i]->code, "ASYNC251")));
    ck_assert_int_eq(as_ruleset_select(&set, NULL, NULL, NULL, en, &err), 0);
    for (size_t i = 0; i < set.n; i++) ck_assert(en[i] == set.rules[i]->default_on);
    ck_assert_int_eq(as_ruleset_select(&set, "ASYNK251", NULL, NULL, en, &err), -1);
    ck_assert_msg(strstr(err, "unknown rule selector 'ASYNK251'") && strstr(err, "did you mean 'ASYNC251'?"), "%s", err);
    free(err);
    ck_assert_int_eq(as_ruleset_select(&set, NULL, NULL, "XYZ", en, &err), -1);
    ck_assert_str_eq(err, "unknown rule selector 'XYZ'");
    free(err);
    free(en);
    as_ruleset_release(&set);
}
END_TEST

static void count_hit(void *ud, const struct as_rule_hit *hit)
{
    (void)hit;
    (*(int *)ud)++;
}

START_TEST(index_lookup)
{
    struct as_rule *rules[2];
    char *err = NULL;
    char *a = rule_text("code: X1\nname: a\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: time.sleep\n"
                        "match: os.spawn*\n");
    char *b = rule_text("code: X2\nname: b\nkind: blocking-call\nsummary: s\nmessage: m\norigin: o\nmatch: time.sleep\n");
    rules[0] = as_rule_parse("a.rule", a, strlen(a), as_check_rule_kind, &err);
    rules[1] = as_rule_parse("b.rule", b, strlen(b), as_check_rule_kind, &err);
    ck_assert_ptr_nonnull(rules[0]);
    ck_assert_ptr_nonnull(rules[1]);
    struct as_ruleset set = {rules, 2};
    bool en[2] = {true, true};
    struct as_rule_index *idx = as_rule_index_new(&set, en);
    int n = 0;
    as_rule_index_lookup(idx, "time.sleep", false, count_hit, &n);
    ck_assert_int_eq(n, 2);
    n = 0;
    as_rule_index_lookup(idx, "os.spawnlp", false, count_hit, &n);
    ck_assert_int_eq(n, 1);
    n = 0;
    as_rule_index_lookup(idx, "time.sleeper", false, count_hit, &n);
    ck_assert_int_eq(n, 0);
    ck_assert(as_rule_index_has_name_segment(idx, "sleep", 5));
    ck_assert(!as_rule_index_has_name_segment(idx, "slee", 4));
    as_rule_index_free(idx);
    en[0] = false;
    idx = as_rule_index_new(&set, en);
    n = 0;
    as_rule_index_lookup(idx, "time.sleep", false, count_hit, &n);
    ck_assert_int_eq(n, 1);
    as_rule_index_free(idx);
    as_rule_free(rules[0]);
    as_rule_free(rules[1]);
    free(a);
    free(b);
}
END_TEST

struct glob_case {
    const char *pattern, *name;
    bool match;
};
static const struct glob_case glob_cases[] = {
    {"os.spawn*", "os.spawnlp", true},
    {"os.spawn*", "os.spawn", true},
    {"os.spawn*", "os.spawnl.x", false},
    {"builtins.open().*", "builtins.open().read", true},
    {"builtins.open().*", "builtins.open().read().strip", false},
    {"*.request", "?.pool.request", true},
    {"*.request", "urllib3.PoolManager().request", true},
    {"*.request", "x.requests", false},
    {"time.sleep", "time.sleep", true},
    {"time.slee?", "time.sleep", true},
    {"time.slee?", "time.slee", false},
};

START_TEST(qname_glob)
{
    const struct glob_case *c = &glob_cases[_i];
    ck_assert_msg(as_qname_glob(c->pattern, c->name) == c->match, "%s ~ %s", c->pattern, c->name);
}
END_TEST

/* A condition tested on a name alone (the project pass's typed calls): unless-callee decides, the others cannot. */
START_TEST(condition_on_name)
{
    const char *why = NULL;
    struct as_condition *unless = as_condition_parse("unless-callee:m.C().get_*|m.C().close", &why);
    ck_assert_ptr_nonnull(unless);
    ck_assert_int_eq(as_condition_holds_for_name(unless, "m.C().put"), 1);
    ck_assert_int_eq(as_condition_holds_for_name(unless, "m.C().get_waiter"), 0);
    ck_assert_int_eq(as_condition_holds_for_name(unless, "m.C().close"), 0);
    struct as_condition *nargs = as_condition_parse("if-nargs:1", &why);
    ck_assert_ptr_nonnull(nargs);
    ck_assert_int_eq(as_condition_holds_for_name(nargs, "m.C().put"), -1);
    as_condition_free(unless);
    as_condition_free(nargs);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, shipped_rules_load);
    tcase_add_test(tc, ruff_names);
    tcase_add_loop_test(tc, malformed_rules, 0, sizeof(bad_rules) / sizeof(bad_rules[0]));
    tcase_add_test(tc, missing_doc_section);
    tcase_add_test(tc, selection);
    tcase_add_test(tc, index_lookup);
    tcase_add_loop_test(tc, qname_glob, 0, sizeof(glob_cases) / sizeof(glob_cases[0]));
    tcase_add_test(tc, condition_on_name);
    suite_add_tcase(s, tc);
    return s;
}
