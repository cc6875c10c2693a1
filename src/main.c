/* main.c — argv -> options -> command -> exit status. The only file that exits. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "server/server.h"

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);   /* a closed pipe is reported as a write error (EPIPE), handled quietly */
    if (argc > 1 && strcmp(argv[1], "server") == 0) return as_server_main(argc - 1, argv + 1);
    struct as_options opts;
    char err[512];
    if (as_cli_parse(&opts, argc, argv, err, sizeof(err)) != 0) {
        fprintf(stderr, "asyncscan: error: %s\nTry 'asyncscan --help'.\n", err);
        as_cli_release(&opts);
        return 2;
    }
    int status = 0;
    switch (opts.command) {
    case AS_CMD_HELP:
        as_cli_usage(stdout);
        break;
    case AS_CMD_VERSION:
        printf("asyncscan %s\n", ASYNCSCAN_VERSION);
        break;
    case AS_CMD_RULE:
        status = as_run_rule(&opts, stdout, stderr);
        break;
    case AS_CMD_CLEAN:
        status = as_run_clean(&opts, stdout, stderr);
        break;
    case AS_CMD_CHECK:
        status = opts.watch ? as_run_watch(&opts, stdout, stderr) : as_run_check(&opts, stdout, stderr);
        break;
    }
    as_cli_release(&opts);
    if (fflush(stdout) != 0 && status == 0) status = 2;
    return status;
}
