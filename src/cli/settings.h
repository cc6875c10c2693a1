/* settings.h — the effective settings of a run: command-line options over configuration files (config.h).
 * The root configuration (--config, else the nearest one from the current directory; none with --isolated)
 * decides the run-wide settings (output format, jobs, .gitignore, force-exclude, the ASYNC200 table, rules
 * directories). Each analysed file is governed by the nearest configuration above it: its rule selection,
 * per-file-ignores and excludes apply to that file (ruff's hierarchical model). The command line wins: --select
 * replaces every configuration's select; --ignore and --extend-select add to them.
 * When no asyncscan configuration applies to a file (none in its directory or above), ruff's does
 * (config.h: as_ruff_config_load): its exclude keys as they are; its selectors name asyncscan's codes with ruff's
 * per-linter prefixes and only add to (select, extend-select) or remove from (ignore) asyncscan's defaults. */
#ifndef AS_SETTINGS_H
#define AS_SETTINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "input/config.h"
#include "util/diag.h"
#include "input/discover.h"
#include "pipeline/engine.h"
#include "util/strmap.h"

struct as_settings {
    const struct as_options *cli;
    struct as_config *configs;   /* [0] is the root when has_root; nested ones follow */
    size_t n_configs;
    bool has_root;
    /* run-wide, effective */
    const char *output_format;   /* NULL = full */
    int jobs;                    /* 0 = online CPUs */
    bool respect_gitignore, force_exclude;
    bool **enabled;              /* per config: the rules it enables (after as_settings_bind) */
    bool *root_enabled;          /* with no configuration: the command line's selection */
    struct as_strmap dir_config; /* canonical directory -> asyncscan config index + 1 (0: none); keys in `keys` */
    struct as_strmap ruff_dir_config;  /* the same for ruff's configuration (the fallback) */
    struct as_strmap path_config;      /* directory as discovered -> the config governing its files + 1 */
    char **keys; size_t n_keys;
    struct as_strmap dir_canon;  /* directory as discovered -> index into canon (its realpath) */
    char **canon_keys, **canon; size_t n_canon;
    const struct as_listed_dir *listing;  /* what discovery listed (as_settings_use_listing), or NULL */
    struct as_strmap listed;     /* directory as discovered -> index into listing */
    struct as_strmap no_config;  /* canonical directories whose listing holds no configuration file (keys: canon) */
    char *select_buf[3];         /* scratch: joined selections */
    /* The command line's `--config 'KEY = VALUE'` overrides, parsed as one configuration (path "--config"):
     * they rank with the options, above every file (ruff's semantics). */
    struct as_config overrides;
    bool has_overrides;
    /* --per-file-ignores and the overrides' per-file-ignores: globs relative to the current directory, applied
     * to every file whatever its configuration (heap pairs) */
    struct as_config_pair *cli_per_file_ignores;
    size_t n_cli_per_file_ignores;
    /* What discovery skips: --exclude/--extend-exclude and the overrides' exclude/extend-exclude (the strings
     * belong to the options and the overrides) */
    const char **exclude;
    size_t n_exclude;
    bool replace_default_excludes;
};

/* Loads the root configuration. Returns 0, or -1 with *err (heap). */
int as_settings_load(struct as_settings *self, const struct as_options *cli, char **err);
void as_settings_release(struct as_settings *self);

/* The engine for the root selection, with the root configuration's extras. */
int as_settings_engine(struct as_settings *self, struct as_engine *engine, char **err);

/* The directories discovery listed (discover.h), used until the next call (NULL, 0: none) by
 * as_settings_config_for instead of asking the file system again: a directory listed as no symbolic link needs
 * no lstat to be canonicalised, and one whose listing holds no configuration file's name no stat per name. On
 * the corpus that is ~4,600 of a warm run's ~21,000 stat calls. */
void as_settings_use_listing(struct as_settings *self, const struct as_listed_dir *dirs, size_t n);

/* The configuration governing `path` (-1: none), loading nested ones on first use. -1 with *err on a broken
 * nested configuration (err is then heap, else NULL). */
int as_settings_config_for(struct as_settings *self, const char *path, char **err);

/* After every file's configuration is known: each configuration's selection, and the engine enables their
 * union. Returns 0 / -1 with *err. */
int as_settings_bind(struct as_settings *self, struct as_engine *engine, char **err);

/* Whether configuration `cfg` (-1: none) excludes `path` (its exclude/extend-exclude globs). */
bool as_settings_excluded(const struct as_settings *self, int cfg, const char *path);

/* What discovery skips and includes under these settings (excludes, .gitignore, include, the options'
 * extensions); on_error and ud are left NULL for the caller. */
void as_settings_discover_options(const struct as_settings *self, struct as_discover_opts *dopts);

/* Drops the findings of `res` that file's configuration does not select or per-file-ignores. */
void as_settings_filter(const struct as_settings *self, const struct as_engine *engine, int cfg,
                        struct as_file_result *res);

/* --show-settings: the effective settings for `path` and where each comes from. */
void as_settings_show(struct as_settings *self, const struct as_engine *engine, const char *path, FILE *out);

#endif
