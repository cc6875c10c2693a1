/* test_util.h — what unit-test files share: each test_<module>.c defines as_test_suite(). AS_SOURCE_DIR is
 * the repository root (for fixtures/), AS_BINARY the built asyncscan executable. */
#ifndef AS_TEST_UTIL_H
#define AS_TEST_UTIL_H
#include <check.h>

Suite *as_test_suite(void);

#endif
