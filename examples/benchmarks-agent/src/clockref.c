/*
 * C reference for the agent's per-call clock costs: CLOCK_MONOTONIC through libc (served by the
 * vDSO when the clocksource allows it) and through the raw syscall, each as the median of several
 * timed batches. The agent's own figures (report --json: clocks[].vdsoNanos / syscallNanos) are
 * compared against these in the same benchmark run.
 *
 * Usage: clockref [vdso_calls_per_batch] [syscall_calls_per_batch] [batches]
 * Prints: "vdso_ns <x>" and "syscall_ns <y>", nanoseconds per call.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* volatile sink: the compiler must not drop calls whose results are unused */
static volatile long sink;

static double batch_libc(long calls) {
    struct timespec ts;
    double t0 = now_ns();
    for (long i = 0; i < calls; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        sink += ts.tv_nsec;
    }
    return (now_ns() - t0) / (double) calls;
}

static double batch_syscall(long calls) {
    struct timespec ts;
    double t0 = now_ns();
    for (long i = 0; i < calls; i++) {
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
        sink += ts.tv_nsec;
    }
    return (now_ns() - t0) / (double) calls;
}

static double median(double *v, int n) {
    qsort(v, (size_t) n, sizeof v[0], by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

int main(int argc, char **argv) {
    long vdso_calls = argc > 1 ? atol(argv[1]) : 200000;
    long syscall_calls = argc > 2 ? atol(argv[2]) : 20000;
    int batches = argc > 3 ? atoi(argv[3]) : 11;
    if (vdso_calls <= 0 || syscall_calls <= 0 || batches <= 0 || batches > 1000) {
        fprintf(stderr, "usage: clockref [vdso_calls] [syscall_calls] [batches<=1000]\n");
        return 2;
    }
    double *v = malloc(sizeof(double) * (size_t) batches);
    double *s = malloc(sizeof(double) * (size_t) batches);
    if (v == NULL || s == NULL) {
        return 1;
    }
    batch_libc(vdso_calls); /* warm-up: page in, resolve the vDSO symbol */
    batch_syscall(syscall_calls);
    for (int b = 0; b < batches; b++) { /* interleaved, so drift hits both paths alike */
        v[b] = batch_libc(vdso_calls);
        s[b] = batch_syscall(syscall_calls);
    }
    printf("vdso_ns %.2f\nsyscall_ns %.2f\n", median(v, batches), median(s, batches));
    free(v);
    free(s);
    return 0;
}
