package io.vdsoagent.agent.instrument;

import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites one method body: each call of a {@link ClockMethod} becomes a call of the same-named recorder
 * method with the call-site id pushed as an extra last argument, and each static method reference to one
 * ({@code System::nanoTime}) gets the recorder method as its implementation with the site id as the
 * lambda's captured argument. Everything else passes through untouched.
 *
 * <p>Only method bodies change, which retransformation allows. The one extra stack slot is added to
 * max_stack (the writer's COMPUTE_MAXS recomputes it anyway); stack map frames are unaffected because the
 * pushed id is consumed by the very next instruction.
 */
final class ClockCallSiteVisitor extends MethodVisitor {

    private static final String LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory";
    private static final int FLAG_SERIALIZABLE = 1; // LambdaMetafactory.FLAG_SERIALIZABLE

    private final String recorder;
    private final ClockCallSites sites;
    private final String siteOwner;
    private final boolean[] classChanged;
    private int line;
    private boolean rewritten;

    /**
     * @param recorder internal name of the class the call sites call (the recorder, or the loader's trampoline)
     * @param siteOwner {@code com.acme.Foo.bar}: the label prefix of this method's sites
     * @param classChanged element 0 is set when this method rewrites a call
     */
    ClockCallSiteVisitor(MethodVisitor delegate, String recorder, ClockCallSites sites, String siteOwner,
            boolean[] classChanged) {
        super(Opcodes.ASM9, delegate);
        this.classChanged = classChanged;
        this.recorder = recorder;
        this.sites = sites;
        this.siteOwner = siteOwner;
    }

    @Override
    public void visitLineNumber(int line, net.bytebuddy.jar.asm.Label start) {
        this.line = line;
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        ClockMethod method = isInterface ? null : ClockMethod.of(owner, name, descriptor);
        if (method != null && opcode == (method.isVirtual() ? Opcodes.INVOKEVIRTUAL : Opcodes.INVOKESTATIC)) {
            pushInt(sites.idFor(method, siteLabel()));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, recorder, method.recorderMethod(),
                    method.recorderDescriptor(), false);
            rewritten = true;
            classChanged[0] = true;
            return;
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        ClockMethod method = staticClockReference(descriptor, bootstrap, arguments);
        if (method != null) {
            pushInt(sites.idFor(method, siteLabel()));
            Object[] rewrittenArguments = arguments.clone();
            rewrittenArguments[1] = new Handle(Opcodes.H_INVOKESTATIC, recorder, method.recorderMethod(),
                    method.recorderDescriptor(), false);
            // The site id becomes a captured argument: ()LongSupplier -> (I)LongSupplier.
            super.visitInvokeDynamicInsn(name, "(I" + descriptor.substring(1), bootstrap, rewrittenArguments);
            rewritten = true;
            classChanged[0] = true;
            return;
        }
        super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    /**
     * The clock method a LambdaMetafactory call site refers to, when it is a non-capturing static method
     * reference such as {@code System::nanoTime}; null otherwise. Serializable lambdas are left alone:
     * their generated $deserializeLambda$ checks the implementation method by name.
     */
    private static ClockMethod staticClockReference(String descriptor, Handle bootstrap, Object[] arguments) {
        if (!LAMBDA_METAFACTORY.equals(bootstrap.getOwner()) || !descriptor.startsWith("()")
                || arguments.length < 3 || !(arguments[1] instanceof Handle)) {
            return null;
        }
        if ("altMetafactory".equals(bootstrap.getName())) {
            if (arguments.length < 4 || !(arguments[3] instanceof Integer)
                    || (((Integer) arguments[3]) & FLAG_SERIALIZABLE) != 0) {
                return null;
            }
        } else if (!"metafactory".equals(bootstrap.getName())) {
            return null;
        }
        Handle implementation = (Handle) arguments[1];
        if (implementation.getTag() != Opcodes.H_INVOKESTATIC) {
            return null;
        }
        ClockMethod method = ClockMethod.of(implementation.getOwner(), implementation.getName(),
                implementation.getDesc());
        return method == null || method.isVirtual() ? null : method;
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(rewritten ? maxStack + 1 : maxStack, maxLocals);
    }

    private String siteLabel() {
        return line > 0 ? siteOwner + ":" + line : siteOwner;
    }

    private void pushInt(int value) {
        if (value <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, value);
        } else if (value <= Short.MAX_VALUE) {
            super.visitIntInsn(Opcodes.SIPUSH, value);
        } else {
            super.visitLdcInsn(value);
        }
    }
}
