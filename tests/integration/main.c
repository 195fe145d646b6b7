/* tests/integration/main.c — real libcurl against an in-process ltx-mock. */
#include "itest.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(suite_t2v());
    int failed;

    srunner_add_suite(sr, suite_errors());
    srunner_add_suite(sr, suite_download());
    srunner_add_suite(sr, suite_mock());
    srunner_add_suite(sr, suite_retry());
    srunner_add_suite(sr, suite_poll());
    srunner_add_suite(sr, suite_upload());
    srunner_add_suite(sr, suite_endpoints());
    srunner_add_suite(sr, suite_faults());
    srunner_add_suite(sr, suite_batch());
    srunner_add_suite(sr, suite_batch_files());
    srunner_add_suite(sr, suite_threads());
    srunner_add_suite(sr, suite_money());
    srunner_add_suite(sr, suite_forward());
    srunner_add_suite(sr, suite_fidelity());
    srunner_add_suite(sr, suite_cancel());
    srunner_add_suite(sr, suite_eventloop());
    srunner_add_suite(sr, suite_hostile());
    srunner_add_suite(sr, suite_tls());
    srunner_add_suite(sr, suite_generate());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
