/** A main that returns at once: what start-up.py times is the JVM and its agents. */
public final class Trivial {
    public static void main(String[] args) {
    }
}
