/*
 * clockbracket [clock_id...]: for each clock, raw syscall(SYS_clock_gettime), libc clock_gettime, raw
 * syscall again, and prints "bracket <id> <libc - middle of the two raw values, ns> <raw0> <libc> <raw1>".
 * The consistency check's ground truth, independent of the agent; compiled at test time (natively or
 * with a cross gcc -static for a lab guest), not committed as a binary.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t) {
    return (long long) t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv) {
    static const int all[] = {0, 1, 4, 5, 6, 7, 11};
    int n = argc > 1 ? argc - 1 : (int) (sizeof all / sizeof all[0]);
    int failures = 0;
    for (int i = 0; i < n; i++) {
        clockid_t clock = argc > 1 ? (clockid_t) atoi(argv[i + 1]) : all[i];
        struct timespec k0, f, k1;
        if (syscall(SYS_clock_gettime, clock, &k0) != 0 || clock_gettime(clock, &f) != 0
                || syscall(SYS_clock_gettime, clock, &k1) != 0) {
            printf("bracket %d failed\n", (int) clock);
            failures++;
            continue;
        }
        long long lo = ns(&k0), hi = ns(&k1);
        printf("bracket %d %lld %lld %lld %lld\n", (int) clock, ns(&f) - (lo + (hi - lo) / 2), lo, ns(&f), hi);
    }
    return failures == 0 ? 0 : 1;
}
