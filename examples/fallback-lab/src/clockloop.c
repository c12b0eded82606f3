/*
 * clockloop <clock_id> <N>: calls libc clock_gettime(clock_id) N times and nothing else, so that
 * `strace -f -c -e trace=clock_gettime clockloop ID N` counts ~N syscalls when that clock falls back
 * and ~0 when the vDSO serves it. The fallback lab's ground truth; compiled at test time, not committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: clockloop <clock_id> <N>\n");
        return 2;
    }
    clockid_t clock = (clockid_t) atoi(argv[1]);
    long n = atol(argv[2]);
    struct timespec ts;
    long failures = 0;
    for (long i = 0; i < n; i++) {
        if (clock_gettime(clock, &ts) != 0) {
            failures++;
        }
    }
    printf("clock %d calls %ld failures %ld\n", (int) clock, n, failures);
    return failures == 0 ? 0 : 1;
}
