/* flow.h — whether a binding's value can be read, following the ways control flows to a read rather than only
 * the binding a read resolves to (model.h resolves a read to the latest binding before it in the scope):
 *   if c: t = spawn(a)            both bindings of t reach `await t`
 *   else: t = spawn(b)
 *   await t
 *   for x in xs:                  the binding reaches the read before it, on the next iteration
 *       if t: await t
 *       t = spawn(x)
 *   t = spawn(a); t = spawn(b)    the second binding hides the first from `await t`: the first is never read
 * Used by the rules about values thrown away (RUF006, ASC107, ASC109's summaries). */
#ifndef AS_FLOW_H
#define AS_FLOW_H
#include <stdbool.h>

#include "analysis/model.h"

/* Whether the value `b` binds may be read: a read of the name in its scope that b can reach (no plain assignment
 * of the name always runs between them), a read in a nested scope, or a name declared global/nonlocal. */
bool as_flow_binding_read(const struct as_model *m, const struct as_binding *b);

/* Whether every binding the call's value is assigned to (`t = u = spawn()`: both) is never read; false when the
 * call is not assigned to a name. */
bool as_flow_call_value_unread(const struct as_model *m, size_t call_index);

#endif
