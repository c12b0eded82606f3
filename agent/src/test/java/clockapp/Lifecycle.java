package clockapp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.function.LongSupplier;

/** Clock calls in a static initialiser and a constructor, and a serializable method reference. */
public final class Lifecycle {

    static final long LOADED_AT = System.currentTimeMillis();

    private final long createdAt;

    public Lifecycle() {
        createdAt = System.currentTimeMillis();
    }

    public long createdAt() {
        return createdAt;
    }

    /**
     * A serializable System::nanoTime survives a serialization round trip (its $deserializeLambda$ checks
     * the implementation method, so the rewriting must leave such references alone) and still reads the clock.
     */
    public static long serializableReferenceRoundTrip() throws Exception {
        LongSupplier clock = (LongSupplier & Serializable) System::nanoTime;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(clock);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return ((LongSupplier) in.readObject()).getAsLong();
        }
    }
}
