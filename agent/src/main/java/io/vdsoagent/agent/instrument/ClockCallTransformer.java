package io.vdsoagent.agent.instrument;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/** Applies {@link ClockCallSiteVisitor} to every method, constructor and static initialiser of a class. */
final class ClockCallTransformer implements AgentBuilder.Transformer {

    private final AsmVisitorWrapper wrapper;

    ClockCallTransformer(final ClockCallSites sites, final String recorder) {
        this.wrapper = new AsmVisitorWrapper.ForDeclaredMethods().invokable(ElementMatchers.any(),
                new AsmVisitorWrapper.ForDeclaredMethods.MethodVisitorWrapper() {
                    @Override
                    public MethodVisitor wrap(TypeDescription type, MethodDescription method, MethodVisitor visitor,
                            Implementation.Context context, TypePool pool, int writerFlags, int readerFlags) {
                        return new ClockCallSiteVisitor(visitor, recorder, sites,
                                type.getName() + "." + method.getInternalName());
                    }
                });
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
            ClassLoader classLoader, JavaModule module, ProtectionDomain protectionDomain) {
        return builder.visit(wrapper);
    }
}
