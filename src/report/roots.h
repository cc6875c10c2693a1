/* roots.h — findings through helpers (ASC108) grouped by their root, the blocking call their chain ends in:
 * hundreds of findings often come from one `os.stat` in one helper, and that one line is where to act. The run
 * adds every finding it reports; --statistics and the summary print the groups, largest first. */
#ifndef AS_REPORT_ROOTS_H
#define AS_REPORT_ROOTS_H
#include <stddef.h>
#include <stdio.h>

#include "util/diag.h"

struct as_root_tally;

struct as_root_tally *as_root_tally_new(void);
void as_root_tally_free(struct as_root_tally *self);
/* Counts d under its root (nothing when it has none); res is the file it was reported in. */
void as_root_tally_add(struct as_root_tally *self, const struct as_file_result *res, const struct as_diag *d);
/* --statistics: one line per root, `count<TAB>name<TAB>path:line (CODE)`, after a heading; nothing when empty. */
void as_root_tally_print_statistics(const struct as_root_tally *self, FILE *out);
/* The summary's lines: the roots with at least two findings (at most `max` of them, then how many more). */
void as_root_tally_print_summary(const struct as_root_tally *self, FILE *out, size_t max);

#endif
