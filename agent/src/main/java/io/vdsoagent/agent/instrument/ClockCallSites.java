package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallSharedCounts;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Site ids, handed out at transform time and baked into the rewritten bytecode: id -> (clock method,
 * {@code Class.method:line}). A class transformed twice (retransformation by us or another agent) gets
 * the same ids back, and two calls of one method on one line share a site, since their label could not
 * tell them apart anyway.
 *
 * <p>Bounded: after {@code capacity} distinct sites, further sites of a method share that method's
 * overflow site, labelled {@value #OVERFLOW_LABEL}, so an application that generates classes without
 * end costs a fixed amount of memory here (about 100 bytes per site).
 */
final class ClockCallSites {

    static final String OVERFLOW_LABEL = "(other)";
    static final int DEFAULT_CAPACITY = 65536;

    private final int capacity;
    private final Map<String, Integer> idsByKey = new HashMap<String, Integer>();
    private String[] labels;
    private ClockMethod[] methods;
    private int next;

    ClockCallSites() {
        this(DEFAULT_CAPACITY);
    }

    ClockCallSites(int capacity) {
        this.capacity = capacity;
        int initial = 256;
        labels = new String[initial];
        methods = new ClockMethod[initial];
        // Ids start at 1 (0 marks an empty slot in the recorder's tables); 1..n are the overflow sites.
        next = 1;
        for (ClockMethod m : ClockMethod.values()) {
            add(m, OVERFLOW_LABEL);
        }
    }

    /** The id for a call of {@code method} at {@code label} ("Class.method:line"). */
    synchronized int idFor(ClockMethod method, String label) {
        String key = method.index() + "|" + label;
        Integer id = idsByKey.get(key);
        if (id != null) {
            return id;
        }
        if (next - 1 - ClockMethod.count() >= capacity) {
            return overflowId(method);
        }
        int assigned = add(method, label);
        idsByKey.put(key, assigned);
        return assigned;
    }

    private int add(ClockMethod method, String label) {
        int id = next++;
        if (id >= labels.length) {
            labels = Arrays.copyOf(labels, labels.length * 2);
            methods = Arrays.copyOf(methods, methods.length * 2);
        }
        labels[id] = label;
        methods[id] = method;
        // Approximate mode indexes a shared array by site id: size it before any code can use the id.
        ClockCallSharedCounts.ensureSite(id);
        return id;
    }

    static int overflowId(ClockMethod method) {
        return 1 + method.index();
    }

    /** One more than the highest id handed out: the length of a per-site count array. */
    synchronized int idLimit() {
        return next;
    }

    /** Sites assigned so far, not counting the per-method overflow sites. */
    synchronized int size() {
        return next - 1 - ClockMethod.count();
    }

    synchronized String label(int id) {
        return labels[id];
    }

    synchronized ClockMethod method(int id) {
        return methods[id];
    }

    /** A consistent copy of the method of every id (index = id; 0 is null). */
    synchronized ClockMethod[] methodsById() {
        return Arrays.copyOf(methods, next);
    }
}
