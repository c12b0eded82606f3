package io.vdsoagent.agent.config;

/**
 * The endpoint's port: one port ({@code 9419}, {@code 0} = any free one) or a range ({@code 9419-9429})
 * of which the first free port is taken, so several JVMs in one pod each get one.
 */
public final class PortRange {
    private final int first;
    private final int last;

    private PortRange(int first, int last) {
        this.first = first;
        this.last = last;
    }

    static PortRange parse(String raw) throws ConfigurationException {
        int dash = raw.indexOf('-');
        if (dash < 0) {
            int port = ConfigValues.toInt(raw, 0, 65535);
            return new PortRange(port, port);
        }
        int first = ConfigValues.toInt(raw.substring(0, dash).trim(), 1, 65535);
        int last = ConfigValues.toInt(raw.substring(dash + 1).trim(), 1, 65535);
        if (first > last) {
            throw new ConfigurationException("a range runs from low to high");
        }
        return new PortRange(first, last);
    }

    public int first() {
        return first;
    }

    /** {@link #first()} for a single port. */
    public int last() {
        return last;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRange && ((PortRange) o).first == first && ((PortRange) o).last == last;
    }

    @Override
    public int hashCode() {
        return first * 65536 + last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
