package io.vdsoagent.structure.cyclic.a;

/** A deliberate cycle inside one package (Left's nested class to Right, Right to Left). */
public final class Left {
    private Left() {
    }

    static final class Inner {
        Right right;
    }
}
