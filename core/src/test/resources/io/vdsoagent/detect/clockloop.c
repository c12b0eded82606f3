/* Calls clock_gettime(clock id, ...) N times through libc: the strace ground truth and the C
 * reference timing for the detectors' tests. Usage: clockloop <clock id> <calls>
 * Prints the wall ns per call measured with CLOCK_MONOTONIC around the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: clockloop <clock id> <calls>\n");
        return 2;
    }
    clockid_t id = (clockid_t) atoi(argv[1]);
    long n = atol(argv[2]);
    struct timespec ts, t0, t1;
    long sink = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        clock_gettime(id, &ts);
        sink += ts.tv_nsec;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
    printf("ns_per_call %.2f sink %ld\n", ns / n, sink & 1);
    return 0;
}
