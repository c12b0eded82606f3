/* Calls clock_gettime(clock id, ...) through libc: the strace ground truth and the C reference
 * timing for the detectors' tests. Usage: clockloop <clock id> <calls>
 * Prints the median ns per call over batches of 2000 calls (timed with CLOCK_MONOTONIC), the
 * same statistic the Java side reports, so preemption on a busy host does not skew either. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH 2000

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: clockloop <clock id> <calls>\n");
        return 2;
    }
    clockid_t id = (clockid_t) atoi(argv[1]);
    long n = atol(argv[2]);
    long batches = n / BATCH;
    if (batches < 1) {
        batches = 1;
    }
    double *per_call = malloc(sizeof(double) * batches);
    struct timespec ts, t0, t1;
    long sink = 0;
    for (long b = 0; b < batches; b++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < BATCH && i < n; i++) {
            clock_gettime(id, &ts);
            sink += ts.tv_nsec;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        per_call[b] = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (n < BATCH ? n : BATCH);
    }
    qsort(per_call, batches, sizeof(double), cmp);
    printf("ns_per_call %.2f sink %ld\n", per_call[batches / 2], sink & 1);
    free(per_call);
    return 0;
}
