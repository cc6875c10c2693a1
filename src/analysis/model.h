/* model.h — the semantic model of one file, built on its facts: which scope each call, binding and reference
 * belongs to, which binding a name means at a position (Python's scoping, ruff's deferred function bodies),
 * and the qualified name an expression resolves to:
 *   `import time as t; t.sleep`        -> "time.sleep"
 *   `from httpx import Client; c = Client(); c.get` -> "httpx.Client().get"   (instance methods use "()")
 *   `open`                             -> "builtins.open"
 *   `def open(): ...; open`            -> "<module>.open"                         (local definitions)
 *   `self.client.get` where a method of the class did `self.client = httpx.Client()`
 *                                      -> "httpx.Client().get"; `self.load` (a method) -> "<module>.Class.load"
 *   a parameter, a for target, an unknown name -> NULL
 * Also answers "is this position in async context": the innermost function scope decides; comprehensions and
 * class bodies are transparent (a class body runs when the enclosing code runs); lambdas and nested sync defs
 * are sync boundaries; decorators, defaults and annotations belong to the enclosing scope. */
#ifndef AS_MODEL_H
#define AS_MODEL_H
#include <stdbool.h>
#include <stdint.h>

#include "analysis/facts.h"

struct as_binding_slot;
struct as_types;
struct as_local_type;

/* The type heuristics (see as_model_use_types); each can be switched off in the configuration (`type-heuristics`:
 * the bits follow input/config.h's as_config_type_heuristics). */
enum {
    AS_HEURISTIC_TMP_PATH = 1,        /* pytest's `tmp_path` parameter is a pathlib.Path (`tmp_path_factory` too) */
    AS_HEURISTIC_PATH_DIVISION = 2,   /* `x / "literal"` (x unknown) + a distinct Path method is a pathlib.Path */
};

struct as_model {
    struct as_facts *facts;
    struct as_arena *arena;
    const char *source;        /* the decoded text the facts come from (for conditions that read it) */
    const char *module;        /* dotted module name of the file ("pkg.mod"), "" when unknown */
    bool is_package_init;      /* the file is a package's __init__.py */
    /* (scope, name) -> its bindings in source order (open addressing; see model.c) */
    struct as_binding_slot *table;
    uint32_t table_mask;
    int32_t *first_param;      /* per scope: binding index of the first parameter, or -1 */
    /* Types (as_model_use_types): the data's table, the heuristics on, and this file's annotated returns
     * ("pkg.mod.data_dir()" -> "pathlib.Path()"), sorted by key. */
    const struct as_types *types;
    unsigned heuristics;
    struct as_local_type *local_types;
    size_t n_local_types;
    /* Byte ranges whose module-level code runs in an event loop: a notebook cell with a top-level `await`
     * (IPython runs it in the kernel's loop). Sorted; none for a .py file. */
    const struct as_span *async_top_level;
    size_t n_async_top_level;
};

/* Links scopes, assigns scopes to facts, builds the binding table and marks bindings that are read.
 * `module` is the file's dotted module name (see as_model_module_name). */
void as_model_build(struct as_model *self, struct as_facts *facts, struct as_arena *arena, const char *module,
                    bool is_package_init);
/* (The caller sets self->source after building when conditions need the text.) */
/* Lets types flow (types.h): `types` (may be NULL: none), the AS_HEURISTIC_* bits on, and the return annotations
 * of this file's functions and properties. Call after as_model_build, before qualifying. */
void as_model_use_types(struct as_model *self, const struct as_types *types, unsigned heuristics);
/* The return annotation of function scope s as an instance ("pathlib.Path()" for `-> Path`), or NULL when it has
 * none that is a plain (dotted) name. Arena. */
const char *as_model_returns(const struct as_model *self, int32_t s);
/* Whether function scope s is decorated `@property` / `@functools.cached_property`. */
bool as_model_is_property(const struct as_model *self, int32_t s);
/* `qname` rewritten through the types: "pathlib.Path().parent.exists" -> "pathlib.Path().exists"; qname itself
 * when nothing applies or no types are in use. Arena. */
const char *as_model_flow(const struct as_model *self, const char *qname);

/* Dotted module name for a path: "src/pkg/mod.py" -> "src.pkg.mod", "pkg/__init__.py" -> "pkg". Arena. */
const char *as_model_module_name(struct as_arena *arena, const char *path, bool *is_package_init);
/* The first segment of that name ("src" for "src/pkg/mod.py", "mod" for "mod.py"): the root of the qualified
 * names of the file's own definitions and relative imports. Points into path; *len bytes. */
const char *as_model_module_root(const char *path, size_t *len);

/* Innermost scope whose body contains `pos`. */
int32_t as_model_scope_at(const struct as_model *self, uint32_t pos);
/* The function/lambda scope that decides the async context at `pos` (skips comprehensions and classes), or -1
 * at module level. */
int32_t as_model_context_scope(const struct as_model *self, int32_t scope);
bool as_model_in_async(const struct as_model *self, int32_t scope);
/* The same for code at byte `pos` of `scope`: also true at module level inside one of async_top_level. */
bool as_model_in_async_at(const struct as_model *self, int32_t scope, uint32_t pos);

/* The binding `name` refers to when read in `scope` at `pos`, or NULL (builtin or unknown). */
const struct as_binding *as_model_lookup(const struct as_model *self, int32_t scope, const char *name, uint32_t pos);

/* Qualified name of an expression evaluated in `scope` at `pos`; NULL when it cannot be known. Arena. */
const char *as_model_qualify(const struct as_model *self, const struct as_expr *e, int32_t scope, uint32_t pos);
/* The first binding of `name` in exactly `scope` (the others follow through as_binding.next), or NULL. */
const struct as_binding *as_model_first_binding(const struct as_model *self, int32_t scope, const char *name);
/* True when the binding's name is declared `global` or `nonlocal` in its scope (it lives elsewhere). */
bool as_model_declared_outside(const struct as_model *self, const struct as_binding *b);
/* Qualified name of a function or class scope: "<module>.<Outer>.<name>". Arena. */
const char *as_model_scope_qualname(const struct as_model *self, int32_t scope);
/* What a binding stands for: an import's qualified target ("pkg.db.load"), a def's qualified name, ... or NULL. */
const char *as_model_binding_target(const struct as_model *self, const struct as_binding *b);
/* Qualified name of what a call calls. */
const char *as_model_callee(const struct as_model *self, const struct as_call *call);

#endif
