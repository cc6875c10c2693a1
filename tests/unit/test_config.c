/* test_config.c — the TOML walker of config.c: pyproject's [tool.asyncscan] vs top-level keys, dotted keys,
 * quoted keys, inline tables, sub-tables, escapes, value types, errors with file:line:col, and the globs of
 * exclude / per-file-ignores relative to the configuration's directory. */
#include <stdlib.h>
#include <string.h>

#include "input/config.h"
#include "test_util.h"

static int parse(struct as_config *c, const char *text, bool pyproject, bool *found, char **err)
{
    *err = NULL;
    return as_config_parse(c, "cfg/pyproject.toml", text, strlen(text), pyproject, found, err);
}

START_TEST(pyproject_table)
{
    struct as_config c;
    char *err;
    bool found;
    const char *t = "[project]\nname = \"x\"\nselect = [\"NOT_OURS\"]\n\n"
                    "[tool.asyncscan]\nselect = [\"ASYNC251\", \"RUF006\"]  # comment\nignore = 'ASYNC230'\n"
                    "jobs = 3\nrespect-gitignore = false\n\n"
                    "[tool.asyncscan.per-file-ignores]\n\"tests/*\" = [\"ASYNC2\"]\n'a b.py' = [\"ALL\"]\n\n"
                    "[tool.other]\nselect = 1\n";
    ck_assert_int_eq(parse(&c, t, true, &found, &err), 0);
    ck_assert(found);
    ck_assert_str_eq(c.select, "ASYNC251,RUF006");
    ck_assert_str_eq(c.ignore, "ASYNC230");
    ck_assert_int_eq(c.jobs, 3);
    ck_assert_int_eq(c.respect_gitignore, 0);
    ck_assert_int_eq(c.force_exclude, -1);
    ck_assert_uint_eq(c.n_per_file_ignores, 2);
    ck_assert_str_eq(c.per_file_ignores[0].key, "tests/*");
    ck_assert_str_eq(c.per_file_ignores[0].value, "ASYNC2");
    ck_assert_str_eq(c.per_file_ignores[1].key, "a b.py");
    ck_assert_str_eq(c.dir, "cfg");
    ck_assert_str_eq(c.origin[0], "6");
    as_config_release(&c);
    ck_assert_int_eq(parse(&c, "[project]\nname = \"x\"\n", true, &found, &err), 0);
    ck_assert(!found);
    ck_assert_ptr_null(c.select);
    as_config_release(&c);
}
END_TEST

START_TEST(dotted_and_inline)
{
    struct as_config c;
    char *err;
    bool found;
    const char *t = "[tool]\nasyncscan.extend-select = [\"ASYNC110\"]\n"
                    "asyncscan.blocking = { \"my.db.query\" = \"use my.aio.query\", \"legacy.*\" = \"x\\u00e9\\n\" }\n";
    ck_assert_int_eq(parse(&c, t, true, &found, &err), 0);
    ck_assert(found);
    ck_assert_str_eq(c.extend_select, "ASYNC110");
    ck_assert_uint_eq(c.n_blocking, 2);
    ck_assert_str_eq(c.blocking[0].key, "my.db.query");
    ck_assert_str_eq(c.blocking[0].value, "use my.aio.query");
    ck_assert_str_eq(c.blocking[1].value, "x\xc3\xa9\n");
    as_config_release(&c);
    /* top-level keys in asyncscan.toml; rules-dirs resolved against the file's directory */
    ck_assert_int_eq(parse(&c, "rules-dirs = [\"house\", \"/abs\"]\nexclude = [\"gen\"]\nforce-exclude = true\n",
                           false, &found, &err), 0);
    ck_assert_uint_eq(c.n_rules_dirs, 2);
    ck_assert_str_eq(c.rules_dirs[0], "cfg/house");
    ck_assert_str_eq(c.rules_dirs[1], "/abs");
    ck_assert(c.has_exclude);
    ck_assert_int_eq(c.force_exclude, 1);
    as_config_release(&c);
    /* offload-functions: qualified names, kept as written, in order */
    ck_assert_int_eq(parse(&c, "offload-functions = [\"app.threads.in_worker\", \"*.slow_scan\"]\n", false, &found,
                           &err), 0);
    ck_assert_uint_eq(c.n_offload_functions, 2);
    ck_assert_str_eq(c.offload_functions[0], "app.threads.in_worker");
    ck_assert_str_eq(c.offload_functions[1], "*.slow_scan");
    as_config_release(&c);
}
END_TEST

struct bad_case {
    const char *text;
    bool pyproject;
    const char *message;
};

static const struct bad_case bad_cases[] = {
    {"select = [\"A\"\n", false, "cfg/pyproject.toml:1:"},
    {"selct = [\"ASYNC251\"]\n", false, "cfg/pyproject.toml:1:1: unknown key 'selct' (did you mean 'select'?)"},
    {"[tool.asyncscan]\nfoo = 1\n", true, "cfg/pyproject.toml:2:1: unknown key 'foo'"},
    {"[tool.asyncscan.per-file-ignore]\n\"x\" = []\n", true, "unknown key 'per-file-ignore' (did you mean 'per-file-ignores'?)"},
    {"jobs = 0\n", false, "cfg/pyproject.toml:1:8: 'jobs' must be an integer 1..256"},
    {"respect-gitignore = \"yes\"\n", false, "'respect-gitignore' must be true or false"},
    {"select = [1, 2]\n", false, "cfg/pyproject.toml:1:11: expected a string in this array"},
    {"select.x = [\"A\"]\n", false, "'select' takes no sub-keys"},
    {"blocking = \"x\"\n", false, "'blocking' is a table"},
    {"[[tool.asyncscan]]\nselect = []\n", true, "arrays of tables are not used by asyncscan"},
};

START_TEST(errors)
{
    const struct bad_case *b = &bad_cases[_i];
    struct as_config c;
    char *err = NULL;
    bool found;
    ck_assert_int_eq(parse(&c, b->text, b->pyproject, &found, &err), -1);
    ck_assert_msg(err && strstr(err, b->message), "case %d: got '%s', want '%s'", _i, err ? err : "(null)", b->message);
    free(err);
    as_config_release(&c);
}
END_TEST

START_TEST(globs)
{
    const char *anchored[] = {"src/gen/*.py"};
    const char *component[] = {"legacy"};
    const char *dir_pattern[] = {"build/out"};
    ck_assert(as_config_glob_match(anchored, 1, ".", "src/gen/a.py"));
    ck_assert(!as_config_glob_match(anchored, 1, ".", "src/gen/sub/a.py"));
    ck_assert(!as_config_glob_match(anchored, 1, ".", "other/src/gen/a.py"));
    ck_assert(as_config_glob_match(component, 1, ".", "x/legacy/a.py"));
    ck_assert(as_config_glob_match(component, 1, ".", "legacy"));
    ck_assert(!as_config_glob_match(component, 1, ".", "x/legacy2/a.py"));
    ck_assert(as_config_glob_match(dir_pattern, 1, ".", "build/out/deep/a.py"));
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, pyproject_table);
    tcase_add_test(tc, dotted_and_inline);
    tcase_add_loop_test(tc, errors, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
    tcase_add_test(tc, globs);
    suite_add_tcase(s, tc);
    return s;
}
