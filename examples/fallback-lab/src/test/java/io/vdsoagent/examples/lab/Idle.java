package io.vdsoagent.examples.lab;

/**
 * A JVM for the agent to live in while a test scrapes it: reads the clock now and then and exits by
 * itself after the given seconds, so a forgotten guest or host JVM cannot linger.
 */
public final class Idle {

    private Idle() {
    }

    public static void main(String[] args) throws InterruptedException {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 300;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(200);
        }
    }
}
