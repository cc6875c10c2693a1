/* check_main.c — the shared main of every unit-test executable: runs the one Check suite that the test file
 * defines through as_test_suite() and exits non-zero on any failure; and the helpers test_util.h declares. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"

int main(void)
{
    SRunner *sr = srunner_create(as_test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void as_test_mk(const char *root, const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    if (content) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(content, f);
        fclose(f);
    } else {
        mkdir(path, 0755);
    }
}
