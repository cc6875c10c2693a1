/* test_util.h — what unit-test files share: each test_<module>.c defines as_test_suite(). AS_SOURCE_DIR is
 * the repository root (for fixtures/), AS_BINARY the built asyncscan executable. */
#ifndef AS_TEST_UTIL_H
#define AS_TEST_UTIL_H
#include <check.h>

Suite *as_test_suite(void);

/* Creates root/rel (and its parent directories): a file holding `content`, or a directory when it is NULL. */
void as_test_mk(const char *root, const char *rel, const char *content);

#endif
