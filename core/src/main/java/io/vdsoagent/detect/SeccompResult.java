package io.vdsoagent.detect;

import java.util.Arrays;

/**
 * What one run of the seccomp proof returned: per clock, libc {@code clock_gettime}'s return value and
 * errno under the filter; or why no clock was tried. {@link #line()} and {@link #parse(String)} carry it
 * from the proof process to the agent as numbers only (one line on the child's stdout).
 */
public final class SeccompResult {
    /** Starts the child's answer line; anything else it prints (a JVM warning) is ignored. */
    static final String LINE_PREFIX = "vdso-agent-seccomp-proof";

    /** Why the clocks were not tried, or null. */
    private final String failure;
    /** A failure that is an error (counted), not just "cannot know here". */
    private final boolean error;
    private final int[] rc;
    private final int[] errno;

    private SeccompResult(String failure, boolean error, int[] rc, int[] errno) {
        this.failure = failure;
        this.error = error;
        this.rc = rc;
        this.errno = errno;
    }

    static SeccompResult of(int[] rc, int[] errno) {
        return new SeccompResult(null, false, rc.clone(), errno.clone());
    }

    /** The proof could not run: an error (counted in vdso_probe_errors_total). */
    static SeccompResult failed(String why) {
        return new SeccompResult(why, true, null, null);
    }

    /** Nothing can be known here (no native access; {@code why} says so): unknown, not an error. */
    static SeccompResult unavailable(String why) {
        return new SeccompResult(why, false, null, null);
    }

    /** prctl refused, before any filter. */
    static SeccompResult prctlRefused(int errno) {
        return failed("prctl(PR_SET_NO_NEW_PRIVS) refused: errno " + errno);
    }

    /** seccomp() refused (an outer policy): inconclusive, not a verdict. */
    static SeccompResult seccompRefused(int errno) {
        return failed("seccomp refused: errno " + errno);
    }

    String failure() {
        return failure;
    }

    boolean error() {
        return error;
    }

    /** The proof could not run because there was no native access (here or in the proof process). */
    boolean nativeUnavailable() {
        return failure != null && !error;
    }

    int clocks() {
        return rc == null ? 0 : rc.length;
    }

    int rc(int i) {
        return rc[i];
    }

    int errno(int i) {
        return errno[i];
    }

    /** {@code prefix ok rc errno rc errno ...}, {@code prefix failed|unavailable <reason>}. */
    String line() {
        if (failure != null) {
            return LINE_PREFIX + (error ? " failed " : " unavailable ") + failure.replace('\n', ' ');
        }
        StringBuilder b = new StringBuilder(LINE_PREFIX).append(" ok");
        for (int i = 0; i < rc.length; i++) {
            b.append(' ').append(rc[i]).append(' ').append(errno[i]);
        }
        return b.toString();
    }

    /** The child's answer for {@code clocks} clocks, or null when the line is not one. */
    static SeccompResult parse(String line, int clocks) {
        if (line == null || !line.startsWith(LINE_PREFIX + " ")) {
            return null;
        }
        String rest = line.substring(LINE_PREFIX.length() + 1);
        if (rest.startsWith("failed ")) {
            return failed(rest.substring("failed ".length()));
        }
        if (rest.startsWith("unavailable ")) {
            return unavailable(rest.substring("unavailable ".length()));
        }
        String[] words = rest.split(" ");
        if (!"ok".equals(words[0]) || words.length != 1 + 2 * clocks) {
            return null;
        }
        int[] rc = new int[clocks];
        int[] errno = new int[clocks];
        try {
            for (int i = 0; i < clocks; i++) {
                rc[i] = Integer.parseInt(words[1 + 2 * i]);
                errno[i] = Integer.parseInt(words[2 + 2 * i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return of(rc, errno);
    }

    @Override
    public String toString() {
        return failure != null ? failure : "rc " + Arrays.toString(rc) + ", errno " + Arrays.toString(errno);
    }
}
