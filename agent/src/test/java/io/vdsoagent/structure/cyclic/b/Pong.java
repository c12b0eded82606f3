package io.vdsoagent.structure.cyclic.b;

/** The other half: only a nested class refers back, which counts as this file. */
public final class Pong {
    private Pong() {
    }

    public static int bounce(int n) {
        return Back.bounce(n);
    }

    private static final class Back {
        static int bounce(int n) {
            return io.vdsoagent.structure.cyclic.a.Ping.bounce(n);
        }
    }
}
