/* An LD_PRELOAD interposer standing in for libfaketime: it wraps clock_gettime, burns ~1-2 us
 * of bookkeeping, then calls the real one. Only the JVM's own path goes through it; a lookup
 * inside libc (as jnr does) still finds libc's clock_gettime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);

int clock_gettime(clockid_t id, struct timespec *ts) {
    if (!real_clock_gettime) {
        real_clock_gettime = (int (*)(clockid_t, struct timespec *)) dlsym(RTLD_NEXT, "clock_gettime");
    }
    volatile int spin = 0;
    for (int i = 0; i < 2000; i++) {
        spin++;
    }
    return real_clock_gettime(id, ts);
}
