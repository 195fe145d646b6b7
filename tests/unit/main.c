/* tests/unit/main.c — runs every unit suite; exits 1 when any test failed. */
#include "tests.h"

int main(void)
{
    SRunner *sr = srunner_create(suite_request());
    int failed;

    srunner_add_suite(sr, suite_error());
    srunner_add_suite(sr, suite_util());
    srunner_add_suite(sr, suite_retry());
    srunner_add_suite(sr, suite_sink());
    srunner_add_suite(sr, suite_codec());
    srunner_add_suite(sr, suite_fields());
    srunner_add_suite(sr, suite_poll());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
