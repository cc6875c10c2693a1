/* server.h — `asyncscan server`: a language server (LSP 3.17) over stdio. */
#ifndef AS_SERVER_H
#define AS_SERVER_H
#include <stdio.h>

/* argv[0] is "server". Returns the exit status: 0 after shutdown then exit, 1 otherwise, 2 on bad options. */
int as_server_main(int argc, char **argv);
void as_server_usage(FILE *out);

#endif
