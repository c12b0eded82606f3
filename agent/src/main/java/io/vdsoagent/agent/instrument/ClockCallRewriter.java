package io.vdsoagent.agent.instrument;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites the clock calls of one class file with plain ASM (the copy inside Byte Buddy): a
 * {@link ClassReader} feeding a {@link ClassWriter} that shares its constant pool, {@code COMPUTE_MAXS}
 * and never {@code COMPUTE_FRAMES}, so no other class is looked up or loaded; every method goes through
 * {@link ClockCallSiteVisitor}. Returns null (class unchanged) when nothing was rewritten.
 *
 * <p>Only called by {@code io.vdsoagent.bootstrap.clockcall.ClockCallLoadTime} for classes that passed its cheap
 * checks. One instance per JVM ({@link #forPremain} and {@link #forAttach} return the same one): the
 * site ids it hands out are the recorder's. No logging here: in premain mode it is loaded on an
 * application thread, before the agent's logger exists.
 */
public final class ClockCallRewriter implements ClassFileTransformer {

    private static ClockCallRewriter instance;

    private final InstrumentSettings settings;
    private final ClockCallSites sites = new ClockCallSites();
    private final ModuleReads moduleReads;
    private final RecorderLinks links;

    private ClockCallRewriter(InstrumentSettings settings, Instrumentation inst) throws ClassNotFoundException {
        this.settings = settings;
        ClockCallRecorder.configure(settings.sampleEvery(), settings.countMode() == CountMode.APPROXIMATE);
        this.moduleReads = new ModuleReads(inst, ClockCallRecorder.class);
        this.links = new RecorderLinks(inst, ClockCallRecorder.class);
    }

    /** The JVM's rewriter, created with these settings unless it exists already. */
    public static synchronized ClockCallRewriter forAttach(InstrumentSettings settings, Instrumentation inst)
            throws ClassNotFoundException {
        if (instance == null) {
            instance = new ClockCallRewriter(settings, inst);
        }
        return instance;
    }

    /** The JVM's rewriter if a class has needed it already, else null. */
    static synchronized ClockCallRewriter existing() {
        return instance;
    }

    ClockCallSites sites() {
        return sites;
    }

    InstrumentSettings settings() {
        return settings;
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
            ProtectionDomain domain, byte[] classFile) {
        if (internalName == null) {
            return null;
        }
        String className = internalName.replace('/', '.');
        if (!settings.instruments(className)) {
            return null;
        }
        String owner = links.ownerFor(loader);
        if (owner == null) {
            return null; // neither the recorder nor a trampoline can be reached from this loader
        }
        byte[] rewritten = rewrite(classFile, className, owner);
        if (rewritten != null && !moduleReads.ensureReadable(loader, className)) {
            return null; // a named module that cannot be made to read the recorder: leave it alone
        }
        return rewritten;
    }

    /** The rewritten class file, or null when it has no clock call to rewrite. */
    byte[] rewrite(byte[] classFile, final String className, final String recorder) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        final boolean[] changed = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return next == null ? null
                        : new ClockCallSiteVisitor(next, recorder, sites, className + "." + name, changed);
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }
}
