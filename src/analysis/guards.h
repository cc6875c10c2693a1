/* guards.h — the conditions a call runs under, for the project pass's guards (see docs/architecture.md,
 * "Guards"): a helper whose blocking call sits under `if debug:`, where `debug` is a parameter that defaults to
 * a falsy value, blocks only for the callers that pass a truthy `debug`.
 *
 * A call is guarded when an enclosing `if`/`elif` body of its own function has a condition made of names joined
 * by `or` / `and` (no `not`, no comparison, no call) such that the body can run only when one of a set of
 * parameters is truthy: every `or` operand needs a term that is a parameter with a falsy default (None, False,
 * 0, "", (), [], {}) never rebound in the function, or an attribute of `self` that the class only ever sets to
 * falsy literals or from such parameters. When unsure, a call is not guarded. */
#ifndef AS_GUARDS_H
#define AS_GUARDS_H
#include <stddef.h>

#include "analysis/model.h"

/* The guard of call `call_index`: "i:name,j:name" (the parameters one of which must be truthy, with their
 * positional index in a call, -1 for a keyword-only one; a method's self/cls is not counted), "@" when it
 * depends on an attribute of self (the constructor's arguments decide: never resolved), NULL when the call is
 * not guarded. Arena. */
const char *as_guard_of_call(const struct as_model *m, size_t call_index);
/* The same for every call of the file at once (each condition read once), indexed like facts.calls. Arena. */
const char **as_guards_of_calls(const struct as_model *m);

/* How the call passes its arguments, to match a callee's guard: "*" when star-arguments hide them; otherwise a
 * letter per positional argument (`F` a falsy literal, `P` one of the caller's own flag parameters forwarded,
 * `T` anything else), `|`, the keywords whose value is not a falsy literal (`name,`, or `name=i:param,` when it
 * forwards the caller's flag parameter), `|`, and for each `P` its position and parameter (`0=i:param,`). Arena. */
const char *as_call_shape(const struct as_model *m, size_t call_index);

/* Whether a call of that shape passes a value that may be truthy for one of the guard's parameters (a forwarded
 * flag does not count: see as_guard_forwarded). */
bool as_guard_passed(const char *guard, const char *shape);

/* When the call passes the guard's parameters nothing that may be truthy but forwards some of the caller's own
 * flag parameters to them (`inner(x, debug=debug)`): the caller's guard made of those ("i:name,..."), which
 * decides whether the caller blocks. NULL otherwise. In arena. */
const char *as_guard_forwarded(const char *guard, const char *shape, struct as_arena *arena);

#endif
