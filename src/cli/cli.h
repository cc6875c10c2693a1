/* cli.h — the command line: `asyncscan [check] [OPTIONS] [PATH...]` and `asyncscan rule CODE|--all`.
 * Flags follow ruff's spelling (--select, --ignore, --extend-select, --output-format, --exit-zero,
 * --stdin-filename, --quiet, ...). Parsing fills struct as_options and never exits; main decides. */
#ifndef AS_CLI_H
#define AS_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum as_command { AS_CMD_CHECK, AS_CMD_RULE, AS_CMD_HELP, AS_CMD_VERSION, AS_CMD_CLEAN };
enum as_color { AS_COLOR_AUTO, AS_COLOR_ALWAYS, AS_COLOR_NEVER };

struct as_options {
    enum as_command command;
    const char **paths;          /* points into argv; heap array */
    size_t n_paths;
    const char *output_format;   /* NULL = full */
    int jobs;                    /* 0 = online CPUs */
    const char *select, *extend_select, *ignore;   /* --ignore and --extend-ignore, comma-joined (heap) */
    bool exit_zero;
    bool quiet;                  /* -q: findings only, no summary */
    bool silent;                 /* -s: nothing on stdout and no summary; the exit status still tells */
    bool verbose;                /* -v: what was found and read, on stderr */
    enum as_color color;
    const char *stdin_filename;
    const char *rule_code;       /* rule CODE */
    bool rule_all;               /* rule --all */
    bool rule_markdown;          /* rule --all --markdown: the README's rule table */
    size_t max_file_size;
    unsigned max_chain;          /* --max-chain: longest helper chain of ASC108 (0 = default) */
    bool no_skip;                /* parse every file (disables the pre-parse skip) */
    bool force_exclude;          /* excludes apply to files named explicitly (and --stdin-filename) too */
    bool respect_gitignore;      /* skip what git ignores (default true; --no-respect-gitignore) */
    bool respect_gitignore_set;  /* given on the command line (it then wins over the configuration) */
    const char *config;          /* --config PATH */
    bool isolated;               /* --isolated: no configuration file, no join with the project */
    /* The language server's configurationPreference "filesystemFirst": select, ignore and unsafe-fixes given
     * here apply only where the governing configuration file does not set the key (not a command-line flag) */
    bool options_are_defaults;
    const char *project_root;    /* --project-root DIR: what files named alone are joined with (project/scope.h) */
    bool show_settings;          /* --show-settings */
    bool report_unused_noqa;     /* --report-unused-noqa (RUF100) */
    bool add_noqa;               /* --add-noqa */
    /* Fixes (ruff's flags): 0 not given, 1 given, -1 its negation given (--no-fix, --no-unsafe-fixes) */
    int fix, unsafe_fixes;
    bool fix_only;               /* --fix-only: apply fixes, do not report what remains */
    bool diff;                   /* --diff: print the fixes as a unified diff, write nothing */
    bool show_fixes;             /* --show-fixes: list what was fixed per file */
    bool exit_non_zero_on_fix;   /* --exit-non-zero-on-fix */
    bool statistics;             /* print a count per rule instead of the findings */
    bool show_files;             /* print the files that would be analysed, then exit */
    bool show_parsed;            /* (benchmark) print the files the pre-parse skip would parse, then exit */
    const char **exclude;        /* --exclude (replaces the default excludes) and --extend-exclude, merged */
    size_t n_exclude;
    bool replace_default_excludes;
    bool no_cache;               /* do not read or write the result cache */
    const char *cache_dir;       /* NULL = .asyncscan_cache in the current directory */
    const char *output_file;     /* -o/--output-file: write the report there instead of stdout */
    bool ignore_noqa;            /* --ignore-noqa: `# noqa` directives suppress nothing */
    bool watch;                  /* -w/--watch: check again whenever a file changes */
    const char **per_file_ignores;   /* --per-file-ignores GLOB:CODES, split into "GLOB:CODES" items (heap) */
    size_t n_per_file_ignores;
    const char **extensions;     /* --extension EXT:LANG, the extensions (without the dot) analysed as Python */
    size_t n_extensions;
    const char **config_overrides;   /* --config 'KEY = VALUE' (TOML lines, ruff's overrides) */
    size_t n_config_overrides;
    char **owned;                /* strings this struct owns (argfile lines, joined lists) */
    size_t n_owned;
};

/* Returns 0, or -1 with a one-line message in err. Arguments `@FILE` are replaced by FILE's lines, one argument
 * per line (ruff's argfiles). */
int as_cli_parse(struct as_options *opts, int argc, char **argv, char *err, size_t errlen);
void as_cli_release(struct as_options *opts);
void as_cli_usage(FILE *out);

#endif
