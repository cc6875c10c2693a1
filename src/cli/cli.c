/* cli.c — argument parsing and the usage text; see cli.h. Options are one table so the parser and the help
 * cannot drift apart. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "util/buf.h"
#include "util/name_match.h"
#include "util/xalloc.h"

enum opt_id {
    OPT_FORMAT, OPT_JOBS, OPT_SELECT, OPT_EXTEND_SELECT, OPT_IGNORE, OPT_EXIT_ZERO, OPT_QUIET, OPT_COLOR,
    OPT_STDIN_FILENAME, OPT_MAX_FILE_SIZE, OPT_MAX_CHAIN, OPT_NO_SKIP, OPT_FORCE_EXCLUDE, OPT_EXCLUDE, OPT_EXTEND_EXCLUDE,
    OPT_RESPECT_GITIGNORE, OPT_NO_RESPECT_GITIGNORE, OPT_STATISTICS, OPT_SHOW_FILES, OPT_SHOW_PARSED, OPT_NO_CACHE,
    OPT_CACHE_DIR, OPT_CONFIG, OPT_ISOLATED, OPT_PROJECT_ROOT, OPT_SHOW_SETTINGS, OPT_REPORT_UNUSED_NOQA, OPT_ADD_NOQA, OPT_HELP,
    OPT_VERSION,
    OPT_OUTPUT_FILE, OPT_EXTEND_IGNORE, OPT_PER_FILE_IGNORES, OPT_VERBOSE, OPT_SILENT, OPT_IGNORE_NOQA, OPT_EXTENSION,
    OPT_WATCH,
    OPT_FIX, OPT_NO_FIX, OPT_UNSAFE_FIXES, OPT_NO_UNSAFE_FIXES, OPT_FIX_ONLY, OPT_DIFF, OPT_SHOW_FIXES,
    OPT_EXIT_NON_ZERO_ON_FIX,
};

struct opt {
    enum opt_id id;
    const char *long_name;
    char short_name;
    const char *arg;      /* NULL: a flag */
    const char *help;
};

static const struct opt options[] = {
    {OPT_FORMAT, "output-format", 0, "FORMAT", NULL /* the list of formats, from the registry */},
    {OPT_OUTPUT_FILE, "output-file", 'o', "PATH", "write the report to PATH instead of standard output"},
    {OPT_JOBS, "jobs", 'j', "N", "worker threads (default: online CPUs)"},
    {OPT_SELECT, "select", 0, "CODES", "enable only these rules (codes or prefixes, comma-separated; ALL)"},
    {OPT_EXTEND_SELECT, "extend-select", 0, "CODES", "enable these rules in addition"},
    {OPT_IGNORE, "ignore", 0, "CODES", "disable these rules"},
    {OPT_EXTEND_IGNORE, "extend-ignore", 0, "CODES", "disable these rules too (as --ignore; ruff's deprecated spelling)"},
    {OPT_PER_FILE_IGNORES, "per-file-ignores", 0, "PAIRS", "GLOB:CODE pairs, comma-separated: disable rules in matching files"},
    {OPT_EXIT_ZERO, "exit-zero", 0, NULL, "exit 0 even when there are findings"},
    {OPT_QUIET, "quiet", 'q', NULL, "print findings only (no summary line, no warnings)"},
    {OPT_SILENT, "silent", 's', NULL, "print nothing but errors (the exit status still tells)"},
    {OPT_VERBOSE, "verbose", 'v', NULL, "tell what was found, read and skipped (on stderr)"},
    {OPT_COLOR, "color", 0, "WHEN", "auto (default), always, never"},
    {OPT_WATCH, "watch", 'w', NULL, "check again whenever a file changes (until interrupted)"},
    {OPT_STDIN_FILENAME, "stdin-filename", 0, "PATH", "read the source from stdin and report it as PATH"},
    {OPT_MAX_FILE_SIZE, "max-file-size", 0, "BYTES", "skip larger files with an error (default 16 MiB)"},
    {OPT_MAX_CHAIN, "max-chain", 0, "N", "longest helper chain ASC108 follows (default 16)"},
    {OPT_EXCLUDE, "exclude", 0, "PATTERNS", "names/globs to skip, replacing the default excludes (comma-separated)"},
    {OPT_EXTEND_EXCLUDE, "extend-exclude", 0, "PATTERNS", "names/globs to skip in addition to the defaults"},
    {OPT_EXTENSION, "extension", 0, "EXT:LANG", "also analyse *.EXT files, as python or pyi (comma-separated)"},
    {OPT_FORCE_EXCLUDE, "force-exclude", 0, NULL, "apply excludes to files named explicitly and --stdin-filename"},
    {OPT_RESPECT_GITIGNORE, "respect-gitignore", 0, NULL, "skip files git ignores (.gitignore, info/exclude; default)"},
    {OPT_NO_RESPECT_GITIGNORE, "no-respect-gitignore", 0, NULL, "do not read .gitignore files and git's excludes"},
    {OPT_STATISTICS, "statistics", 0, NULL, "print the number of findings per rule instead of the findings"},
    {OPT_SHOW_FILES, "show-files", 0, NULL, "print the files that would be analysed and exit"},
    {OPT_SHOW_PARSED, "show-parsed-files", 0, NULL, "print the files the pre-parse skip keeps, and exit (benchmarks)"},
    {OPT_NO_SKIP, "no-skip", 0, NULL, "parse every file, even those that cannot contain a finding"},
    {OPT_NO_CACHE, "no-cache", 0, NULL, "do not read or write the result cache"},
    {OPT_CACHE_DIR, "cache-dir", 0, "DIR", "where the result cache lives (default .asyncscan_cache)"},
    {OPT_CONFIG, "config", 0, "PATH|K=V", "read this configuration file, or override one key ('jobs = 1')"},
    {OPT_ISOLATED, "isolated", 0, NULL, "ignore every configuration file (and join named files with nothing)"},
    {OPT_PROJECT_ROOT, "project-root", 0, "DIR", "the project files named alone are joined with (default: found)"},
    {OPT_SHOW_SETTINGS, "show-settings", 0, NULL, "print the settings for the first path and where each comes from"},
    {OPT_REPORT_UNUSED_NOQA, "report-unused-noqa", 0, NULL, "report `# noqa` codes of ours that suppress nothing (RUF100)"},
    {OPT_ADD_NOQA, "add-noqa", 0, NULL, "add `# noqa: CODE` to every line with a finding (rewrites the files)"},
    {OPT_IGNORE_NOQA, "ignore-noqa", 0, NULL, "report findings even where a `# noqa` directive suppresses them"},
    {OPT_FIX, "fix", 0, NULL, "apply the safe fixes, rewriting the files (see `asyncscan rule CODE`)"},
    {OPT_NO_FIX, "no-fix", 0, NULL, "do not apply fixes (overrides `fix = true` in the configuration)"},
    {OPT_UNSAFE_FIXES, "unsafe-fixes", 0, NULL, "also apply (and count as fixable) the unsafe fixes"},
    {OPT_NO_UNSAFE_FIXES, "no-unsafe-fixes", 0, NULL, "do not apply unsafe fixes (overrides the configuration)"},
    {OPT_FIX_ONLY, "fix-only", 0, NULL, "apply fixes and report nothing that remains"},
    {OPT_DIFF, "diff", 0, NULL, "print the fixes as a unified diff and write nothing (exit 1 if there is one)"},
    {OPT_SHOW_FIXES, "show-fixes", 0, NULL, "list what was fixed in each file"},
    {OPT_EXIT_NON_ZERO_ON_FIX, "exit-non-zero-on-fix", 0, NULL, "exit 1 when something was fixed"},
    {OPT_HELP, "help", 'h', NULL, "show this help"},
    {OPT_VERSION, "version", 'V', NULL, "show the version"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

void as_cli_usage(FILE *out)
{
    fputs("asyncscan — find code that blocks the event loop in async Python\n\n"
          "usage: asyncscan [check] [OPTIONS] [PATH...]     analyse files and directories (default: .)\n"
          "       asyncscan rule CODE | --all [--markdown]  show a rule's documentation / list every rule\n"
          "       asyncscan - --stdin-filename PATH          analyse stdin as PATH\n"
          "       asyncscan clean [--cache-dir DIR]          remove the result cache\n"
          "       asyncscan server [--help]                  the language server (LSP) on stdin/stdout\n\n"
          "options:\n", out);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char left[64];
        if (options[i].short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", options[i].short_name, options[i].long_name,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", options[i].long_name, options[i].arg ? " " : "",
                     options[i].arg ? options[i].arg : "");
        if (options[i].id == OPT_FORMAT) {
            fprintf(out, "  %-30s", left);
            for (size_t k = 0; as_reporters[k]; k++)
                fprintf(out, "%s%s%s", k ? ", " : " ", as_reporters[k]->name, k ? "" : " (default)");
            fputc('\n', out);
            continue;
        }
        fprintf(out, "  %-30s %s\n", left, options[i].help);
    }
    fputs("\nexit status: 0 no findings, 1 findings, 2 usage, configuration or file errors\n", out);
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0) return -1;
    *out = (size_t)v;
    return 0;
}

/* Splits a comma-separated list into o->exclude (the strings are heap copies owned by the options). */
static void add_patterns(struct as_options *o, const char *val)
{
    while (*val) {
        const char *end = strchr(val, ',');
        size_t n = end ? (size_t)(end - val) : strlen(val);
        if (n) {
            o->exclude = as_xrealloc(o->exclude, (o->n_exclude + 1) * sizeof(char *));
            o->exclude[o->n_exclude++] = as_xstrndup(val, n);
        }
        if (!end) break;
        val = end + 1;
    }
}

/* Keeps a heap string until as_cli_release, and returns it. */
static char *own(struct as_options *o, char *str)
{
    o->owned = as_xrealloc(o->owned, (o->n_owned + 1) * sizeof(char *));
    o->owned[o->n_owned++] = str;
    return str;
}

static void push_str(const char ***list, size_t *n, const char *str)
{
    *list = as_xrealloc(*list, (*n + 1) * sizeof(char *));
    (*list)[(*n)++] = str;
}

/* --ignore and --extend-ignore add up (any number of them, in order). */
static void add_ignore(struct as_options *o, const char *val)
{
    if (!o->ignore) {
        o->ignore = val;
        return;
    }
    struct as_buf b;
    as_buf_init(&b);
    as_buf_printf(&b, "%s,%s", o->ignore, val);
    o->ignore = own(o, as_buf_detach(&b, NULL));
}

/* --per-file-ignores 'test_*.py:ASYNC251,setup.py:ALL': ruff's comma-separated GLOB:CODE pairs; an item
 * without a colon adds a code to the pair before it ('test_*.py:ASYNC251,ASYNC230'). */
static int add_per_file_ignores(struct as_options *o, const char *val, char *err, size_t errlen)
{
    struct as_buf pair;   /* the pair being read: "GLOB:CODE[,CODE...]" */
    as_buf_init(&pair);
    for (const char *p = val; *p; p += *p == ',') {
        size_t n = strcspn(p, ",");
        const char *colon = NULL;
        for (size_t k = 0; k < n; k++)
            if (p[k] == ':') colon = p + k;   /* the last one: codes have none, a glob may */
        bool bad = colon ? colon == p || colon + 1 == p + n : n && !pair.len;
        if (bad) {
            snprintf(err, errlen, "invalid value '%.*s' for --per-file-ignores (expected GLOB:CODES)", (int)n, p);
            as_buf_release(&pair);
            return -1;
        }
        if (colon && pair.len) {
            push_str(&o->per_file_ignores, &o->n_per_file_ignores, own(o, as_buf_detach(&pair, NULL)));
            as_buf_init(&pair);
        }
        if (n) as_buf_printf(&pair, "%s%.*s", colon ? "" : ",", (int)n, p);
        p += n;
    }
    if (pair.len) push_str(&o->per_file_ignores, &o->n_per_file_ignores, own(o, as_buf_detach(&pair, NULL)));
    else as_buf_release(&pair);
    return 0;
}

/* --extension 'pyw:python,pyx:pyi': extensions (a leading dot is allowed) analysed as Python source. */
static int add_extensions(struct as_options *o, const char *val, char *err, size_t errlen)
{
    for (const char *p = val; *p;) {
        size_t n = strcspn(p, ",");
        const char *colon = memchr(p, ':', n);
        const char *ext = p[0] == '.' ? p + 1 : p;
        size_t lang_len = colon ? (size_t)(p + n - colon - 1) : 0;
        bool known = colon && ((lang_len == 6 && strncmp(colon + 1, "python", 6) == 0) ||
                               (lang_len == 3 && strncmp(colon + 1, "pyi", 3) == 0));
        if (!known || colon == ext || memchr(ext, '/', (size_t)(colon - ext))) {
            snprintf(err, errlen, "invalid value '%.*s' for --extension (expected EXT:python or EXT:pyi)", (int)n, p);
            return -1;
        }
        push_str(&o->extensions, &o->n_extensions, own(o, as_xstrndup(ext, (size_t)(colon - ext))));
        p += n;
        if (*p == ',') p++;
    }
    return 0;
}

/* --config: an existing file is a configuration file; otherwise text with `=` is a `KEY = VALUE` override (in
 * TOML, as in ruff), and anything else a path (reported when it cannot be read). */
static int add_config(struct as_options *o, const char *val, char *err, size_t errlen)
{
    struct stat st;
    bool is_file = stat(val, &st) == 0 && !S_ISDIR(st.st_mode);
    if (!is_file && strchr(val, '=')) {
        push_str(&o->config_overrides, &o->n_config_overrides, val);
        return 0;
    }
    if (o->config) {
        snprintf(err, errlen, "--config names a configuration file twice ('%s', '%s')", o->config, val);
        return -1;
    }
    o->config = val;
    return 0;
}

static int apply(struct as_options *o, const struct opt *op, const char *val, char *err, size_t errlen)
{
    switch (op->id) {
    case OPT_FORMAT: o->output_format = val; break;
    case OPT_JOBS: {
        char *end;
        long n = strtol(val, &end, 10);
        if (*end || end == val || n < 1 || n > 1024) {
            snprintf(err, errlen, "invalid value '%s' for --jobs (expected 1..1024)", val);
            return -1;
        }
        o->jobs = (int)n;
        break;
    }
    case OPT_SELECT: o->select = val; break;
    case OPT_EXTEND_SELECT: o->extend_select = val; break;
    case OPT_IGNORE:
    case OPT_EXTEND_IGNORE: add_ignore(o, val); break;
    case OPT_PER_FILE_IGNORES: return add_per_file_ignores(o, val, err, errlen);
    case OPT_EXTENSION: return add_extensions(o, val, err, errlen);
    case OPT_OUTPUT_FILE: o->output_file = val; break;
    case OPT_IGNORE_NOQA: o->ignore_noqa = true; break;
    case OPT_WATCH: o->watch = true; break;
    case OPT_VERBOSE: o->verbose = true; break;
    case OPT_SILENT: o->silent = o->quiet = true; break;
    case OPT_EXIT_ZERO: o->exit_zero = true; break;
    case OPT_QUIET: o->quiet = true; break;
    case OPT_COLOR:
        if (strcmp(val, "auto") == 0) o->color = AS_COLOR_AUTO;
        else if (strcmp(val, "always") == 0) o->color = AS_COLOR_ALWAYS;
        else if (strcmp(val, "never") == 0) o->color = AS_COLOR_NEVER;
        else {
            snprintf(err, errlen, "invalid value '%s' for --color (expected auto, always or never)", val);
            return -1;
        }
        break;
    case OPT_STDIN_FILENAME: o->stdin_filename = val; break;
    case OPT_MAX_CHAIN: {
        char *end = NULL;
        long n = strtol(val, &end, 10);
        if (!*val || *end || n < 1 || n > 1000) {
            snprintf(err, errlen, "invalid value '%s' for --max-chain (expected 1..1000)", val);
            return -1;
        }
        o->max_chain = (unsigned)n;
        break;
    }
    case OPT_MAX_FILE_SIZE:
        if (parse_size(val, &o->max_file_size)) {
            snprintf(err, errlen, "invalid value '%s' for --max-file-size", val);
            return -1;
        }
        break;
    case OPT_NO_SKIP: o->no_skip = true; break;
    case OPT_FORCE_EXCLUDE: o->force_exclude = true; break;
    case OPT_RESPECT_GITIGNORE: o->respect_gitignore = true; o->respect_gitignore_set = true; break;
    case OPT_NO_RESPECT_GITIGNORE: o->respect_gitignore = false; o->respect_gitignore_set = true; break;
    case OPT_CONFIG: return add_config(o, val, err, errlen);
    case OPT_ISOLATED: o->isolated = true; break;
    case OPT_PROJECT_ROOT: o->project_root = val; break;
    case OPT_SHOW_SETTINGS: o->show_settings = true; break;
    case OPT_REPORT_UNUSED_NOQA: o->report_unused_noqa = true; break;
    case OPT_ADD_NOQA: o->add_noqa = true; break;
    case OPT_FIX: o->fix = 1; break;
    case OPT_NO_FIX: o->fix = -1; break;
    case OPT_UNSAFE_FIXES: o->unsafe_fixes = 1; break;
    case OPT_NO_UNSAFE_FIXES: o->unsafe_fixes = -1; break;
    case OPT_FIX_ONLY: o->fix_only = true; break;
    case OPT_DIFF: o->diff = true; break;
    case OPT_SHOW_FIXES: o->show_fixes = true; break;
    case OPT_EXIT_NON_ZERO_ON_FIX: o->exit_non_zero_on_fix = true; break;
    case OPT_NO_CACHE: o->no_cache = true; break;
    case OPT_CACHE_DIR: o->cache_dir = val; break;
    case OPT_STATISTICS: o->statistics = true; break;
    case OPT_SHOW_FILES: o->show_files = true; break;
    case OPT_SHOW_PARSED: o->show_files = o->show_parsed = true; break;
    case OPT_EXCLUDE:
    case OPT_EXTEND_EXCLUDE:
        if (op->id == OPT_EXCLUDE) o->replace_default_excludes = true;
        add_patterns(o, val);
        break;
    case OPT_HELP: o->command = AS_CMD_HELP; break;
    case OPT_VERSION: o->command = AS_CMD_VERSION; break;
    }
    return 0;
}

/* Replaces each `@FILE` argument by FILE's lines (one argument per line, a CR before the newline dropped, empty
 * lines skipped; no nesting; at most 1 MiB). The new argv's strings are owned by o. Returns 0 / -1 with err. */
static int expand_argfiles(struct as_options *o, int *argc, char ***argv, char *err, size_t errlen)
{
    bool any = false;
    for (int i = 1; i < *argc; i++) any |= (*argv)[i][0] == '@' && (*argv)[i][1];
    if (!any) return 0;
    const char **out = NULL;
    size_t n = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = (*argv)[i];
        if (i == 0 || a[0] != '@' || !a[1]) {
            push_str(&out, &n, a);
            continue;
        }
        FILE *f = fopen(a + 1, "rb");
        struct as_buf text;
        as_buf_init(&text);
        char chunk[4096];
        size_t got;
        while (f && (got = fread(chunk, 1, sizeof(chunk), f)) > 0 && text.len <= (1u << 20)) as_buf_add(&text, chunk, got);
        if (!f || ferror(f) || text.len > (1u << 20)) {
            snprintf(err, errlen, "cannot read the argument file '%s': %s", a + 1,
                     f && !ferror(f) ? "larger than 1 MiB" : strerror(errno));
            if (f) fclose(f);
            as_buf_release(&text);
            free(out);
            return -1;
        }
        fclose(f);
        for (char *line = own(o, as_buf_detach(&text, NULL)); *line;) {
            char *nl = strchr(line, '\n');
            char *next = nl ? nl + 1 : line + strlen(line);
            if (nl) *nl = '\0';
            if (nl && nl > line && nl[-1] == '\r') nl[-1] = '\0';
            if (*line) push_str(&out, &n, line);
            line = next;
        }
    }
    push_str(&out, &n, NULL);
    own(o, (char *)out);
    *argc = (int)n - 1;
    *argv = (char **)out;
    return 0;
}

/* A first argument that is a bare word and names no file: an unknown command, not a path to analyse
 * (`asyncscan format x.py`). */
static bool unknown_command(const char *a)
{
    if (!(a[0] >= 'a' && a[0] <= 'z')) return false;
    for (const char *p = a; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
    struct stat st;
    return stat(a, &st) != 0;
}

/* `clean [--cache-dir DIR]`, the arguments from argv[i]. */
static int parse_clean(struct as_options *o, int argc, char **argv, int i, char *err, size_t errlen)
{
    o->command = AS_CMD_CLEAN;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--cache-dir") == 0 && i + 1 < argc) o->cache_dir = argv[++i];
        else if (strncmp(argv[i], "--cache-dir=", 12) == 0) o->cache_dir = argv[i] + 12;
        else {
            snprintf(err, errlen, "'clean' takes only --cache-dir DIR (got '%.64s')", argv[i]);
            return -1;
        }
    }
    return 0;
}

/* "unknown option" with the closest long option when one is near (--slect -> --select). */
static void unknown_option(char *err, size_t errlen, const char *a, size_t len)
{
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(len < 60 ? len : 60), a);
    const char *best = NULL;
    size_t best_d = 99;
    for (size_t k = 0; name[1] == '-' && k < N_OPTIONS; k++) {
        size_t d = as_edit_distance(name + 2, options[k].long_name);
        if (d < best_d) { best_d = d; best = options[k].long_name; }
    }
    if (best && best_d <= 2 && best_d < strlen(name + 2))
        snprintf(err, errlen, "unknown option '%s' (did you mean '--%s'?)", name, best);
    else
        snprintf(err, errlen, "unknown option '%s'", name);
}

int as_cli_parse(struct as_options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->command = AS_CMD_CHECK;
    o->respect_gitignore = true;
    if (expand_argfiles(o, &argc, &argv, err, errlen)) return -1;
    o->paths = as_xcalloc((size_t)argc + 1, sizeof(char *));
    int i = 1;
    if (i < argc && strcmp(argv[i], "check") == 0) i++;
    else if (i < argc && strcmp(argv[i], "rule") == 0) {
        o->command = AS_CMD_RULE;
        i++;
    } else if (i < argc && strcmp(argv[i], "clean") == 0 && unknown_command(argv[i])) {
        return parse_clean(o, argc, argv, i + 1, err, errlen);
    } else if (i < argc && unknown_command(argv[i])) {
        if (strcmp(argv[i], "help") == 0) o->command = AS_CMD_HELP;
        else if (strcmp(argv[i], "version") == 0) o->command = AS_CMD_VERSION;
        else {
            snprintf(err, errlen, "unknown command '%.64s' (asyncscan's commands are check, rule, clean and "
                                  "server; no file "
                                  "or directory of that name exists either)", argv[i]);
            return -1;
        }
        return 0;
    }
    bool only_paths = false;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->command == AS_CMD_RULE) {
                if (o->rule_code) {
                    snprintf(err, errlen, "'rule' takes one code");
                    return -1;
                }
                o->rule_code = a;
            } else {
                o->paths[o->n_paths++] = a;
            }
            continue;
        }
        if (strcmp(a, "--") == 0) { only_paths = true; continue; }
        if (o->command == AS_CMD_RULE && strcmp(a, "--all") == 0) { o->rule_all = true; continue; }
        if (o->command == AS_CMD_RULE && strcmp(a, "--markdown") == 0) { o->rule_markdown = o->rule_all = true; continue; }
        const struct opt *op = NULL;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < N_OPTIONS; k++)
                if (strlen(options[k].long_name) == nl && strncmp(options[k].long_name, name, nl) == 0) op = &options[k];
            if (!op) {
                unknown_option(err, errlen, a, nl + 2);
                return -1;
            }
            if (eq) {
                if (!op->arg) {
                    snprintf(err, errlen, "option '--%s' takes no value", op->long_name);
                    return -1;
                }
                val = eq + 1;
            }
        } else {
            for (size_t k = 0; k < N_OPTIONS; k++)
                if (options[k].short_name && options[k].short_name == a[1]) op = &options[k];
            if (!op) {
                snprintf(err, errlen, "unknown option '%s'", a);
                return -1;
            }
            if (a[2]) {
                if (!op->arg) {
                    snprintf(err, errlen, "unknown option '%s'", a);
                    return -1;
                }
                val = a + 2;   /* -j4 */
            }
        }
        if (op->arg && !val) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "option '--%s' needs a value (%s)", op->long_name, op->arg);
                return -1;
            }
            val = argv[++i];
        }
        if (apply(o, op, val, err, errlen)) return -1;
    }
    if (o->command == AS_CMD_RULE && !o->rule_code && !o->rule_all) {
        snprintf(err, errlen, "'rule' needs a CODE or --all");
        return -1;
    }
    return 0;
}

void as_cli_release(struct as_options *o)
{
    free(o->paths);
    o->paths = NULL;
    free(o->per_file_ignores);
    free(o->extensions);
    free(o->config_overrides);
    for (size_t i = 0; i < o->n_owned; i++) free(o->owned[i]);
    free(o->owned);
    o->owned = NULL;
    o->n_owned = 0;
    for (size_t i = 0; i < o->n_exclude; i++) free((char *)o->exclude[i]);
    free(o->exclude);
    o->exclude = NULL;
    o->n_exclude = 0;
}
