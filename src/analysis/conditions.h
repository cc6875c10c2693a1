/* conditions.h — the conditions a rule's `match:` line may add after the name, so that rules about argument
 * values stay data. Each condition is one word:
 *   if:SEL=V1|V2        the argument SEL is present and equals one of the values
 *   if:SEL!=V1|V2       the argument SEL is present and equals none of them
 *   if:SEL>N            the argument SEL is a number greater than N
 *   if:SEL~V1|V2        the argument SEL is a string literal equal to one value, ignoring case
 *   unless:SEL=V1|V2    skip when SEL is present and equals one of the values (also != > ~ as above)
 *   if-missing:SEL      the argument SEL is absent
 *   if-nargs:N          the call has exactly N arguments (positional and keyword; none of them starred)
 *   if-imported:MOD     the file imports MOD (or a submodule of it)
 *   unless-inside:Q1|Q2 skip when the call is an argument of a call to Q1 or Q2 (e.g. trio.wrap_file)
 *   unless-callee:G1|G2 skip when the call's own qualified name, or its typed form (types.h), matches a glob
 *   unless-text:W1|W2   skip when the call's source text contains W1 or W2 (e.g. NUMERIC flags)
 *   unless-handled:E1|E2 skip when the call is in the body of a `try` with a handler for E1 or E2, written
 *                       as in the source (BlockingIOError, ssl.SSLWantReadError): the non-blocking I/O idiom
 *   unless-nonblocking  skip a method call on a socket (`s.recv`, `self.sock.recv`) made non-blocking before it in
 *                       the same function (`s.setblocking(False)`, `s.settimeout(0)`) or handed to the event loop
 *                       (`await loop.sock_recv(s, n)`, `await wait_readable(s)`); for `self.x`, anywhere in the file
 *   unless-polled:M1|M2 skip a method call whose receiver a `while` loop that only awaits polled before it in the
 *                       function (`while q.empty(): await sleep(0)` before `q.get()`): it returns at once
 * SEL is a positional index (0), a keyword (mode), or both (0/mode). A value is a number, True/False/None,
 * a quoted string ('GET'), `*` (anything), `<ip>` (a string literal holding a numeric IP address), `<inf>`
 * (`math.inf`, `float("inf")`), or a qualified name (os.P_WAIT) compared with what the argument resolves to.
 * When star-arguments hide an argument, an `if` fails and an `unless` does not skip. */
#ifndef AS_CONDITIONS_H
#define AS_CONDITIONS_H
#include <stdbool.h>
#include <stddef.h>

#include "analysis/facts.h"
#include "analysis/model.h"

struct as_condition;

/* Parses one condition word; NULL with a static reason in *why when malformed. */
struct as_condition *as_condition_parse(const char *word, const char **why);
void as_condition_free(struct as_condition *self);

/* True when the call satisfies the condition. */
bool as_condition_holds(const struct as_condition *self, const struct as_model *model, size_t call_index);
/* For a call known only by its (typed) qualified name, as the project pass knows the calls it types: 1 when the
 * condition holds for a call of that name, 0 when it does not, -1 when only the call itself can tell (its
 * arguments, its place). */
int as_condition_holds_for_name(const struct as_condition *self, const char *qname);

#endif
