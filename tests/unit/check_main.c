/* check_main.c — the shared main of every unit-test executable: runs the one Check suite that the test file
 * defines through as_test_suite() and exits non-zero on any failure. */
#include <check.h>
#include <stdlib.h>

#include "test_util.h"

int main(void)
{
    SRunner *sr = srunner_create(as_test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
