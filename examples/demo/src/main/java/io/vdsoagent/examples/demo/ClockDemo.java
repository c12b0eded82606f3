package io.vdsoagent.examples.demo;

/** Placeholder entry point; the demo issue replaces it with the real clock-reading app. */
public final class ClockDemo {
    private ClockDemo() {
    }

    public static void main(String[] args) throws InterruptedException {
        long start = System.nanoTime();
        System.out.println("clock-demo: started at " + System.currentTimeMillis());
        Thread.sleep(10);
        System.out.println("clock-demo: " + (System.nanoTime() - start) + " ns");
    }
}
