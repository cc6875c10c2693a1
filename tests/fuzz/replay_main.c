/* replay_main.c — a main() for the fuzz targets without libFuzzer: calls LLVMFuzzerTestOneInput once on every
 * regular file in the directories (or files) given as arguments, so the regression inputs in fixtures/fuzz/
 * run under CTest in the normal (gcc) build. Exit status 0 when every input returned; a crash is the failure. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return 1; }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (!grown) { free(buf); buf = NULL; }
            buf = grown;
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) { fprintf(stderr, "%s: read error\n", path); free(buf); return 1; }
    /* An exact-size copy so out-of-bounds reads are as visible as under libFuzzer. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) { free(buf); return 1; }
    memcpy(exact, buf, len);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int failures = 0;
    size_t total = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0) { perror(argv[a]); failures++; continue; }
        if (!S_ISDIR(st.st_mode)) { failures += replay_file(argv[a]); total++; continue; }
        DIR *d = opendir(argv[a]);
        if (!d) { perror(argv[a]); failures++; continue; }
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char **grown = realloc(names, (n + 1) * sizeof(*names));
            if (!grown) break;
            names = grown;
            size_t l = strlen(argv[a]) + strlen(e->d_name) + 2;
            names[n] = malloc(l);
            if (!names[n]) break;
            snprintf(names[n], l, "%s/%s", argv[a], e->d_name);
            n++;
        }
        closedir(d);
        qsort(names, n, sizeof(*names), cmp_str);
        for (size_t i = 0; i < n; i++) {
            if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) { failures += replay_file(names[i]); total++; }
            free(names[i]);
        }
        free(names);
    }
    fprintf(stderr, "replay: %zu input(s), %d failure(s)\n", total, failures);
    return failures ? 1 : (total ? 0 : 1);
}
