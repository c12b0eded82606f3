package io.vdsoagent.structure.cyclic.a;

import io.vdsoagent.structure.cyclic.b.Pong;

/** Half of a deliberate cycle across two packages, for {@code NoCyclesTest}'s check that it can fail. */
public final class Ping {
    private Ping() {
    }

    public static int bounce(int n) {
        return n <= 0 ? 0 : Pong.bounce(n - 1);
    }
}
