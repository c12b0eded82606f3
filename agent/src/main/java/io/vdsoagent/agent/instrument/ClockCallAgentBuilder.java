package io.vdsoagent.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;

import io.vdsoagent.bootstrap.ClockCallRecorder;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AgentBuilder chain: strategies, an errors-only listener, what to ignore, then one type/transform
 * pair. Kept apart from {@link ClockCallInstrumentation} so no Byte Buddy agent class is loaded before
 * Byte Buddy's "safe" property has been set.
 */
final class ClockCallAgentBuilder {

    private static final Logger log = LoggerFactory.getLogger(ClockCallAgentBuilder.class);

    /** Classes that failed, logged once each (bounded: a class generator must not fill memory). */
    private static final Set<String> LOGGED_FAILURES = ConcurrentHashMap.newKeySet();
    private static final int MAX_LOGGED_FAILURES = 1000;

    private ClockCallAgentBuilder() {
    }

    static ClassFileTransformer install(Instrumentation instrumentation, final InstrumentSettings settings,
            ClockCallSites sites, final AtomicLong failures) {
        String byteBuddyPackage = ClockCallInstrumentation.byteBuddyPackage(); // relocated when shaded
        return new AgentBuilder.Default()
                // Classes loaded before us (the agent installs from a background thread) are rewritten too;
                // only method bodies change, which retransformation allows.
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // One class that cannot be retransformed must not fail its whole batch: split and retry.
                .with(AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(100))
                .with(AgentBuilder.RedefinitionStrategy.Listener.BatchReallocator.splitting())
                // Rewrite bodies in place: no added methods or fields, no initializer hooks.
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // Describe classes from their class file, never by reflection on the loaded class (which can
                // load or fail to load other classes of the application).
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                // Classes in named modules need to read the boot loader's unnamed module to link to the recorder.
                .assureReadEdgeTo(instrumentation, ClockCallRecorder.class)
                .with(new ErrorsOnly(failures))
                .ignore(nameStartsWith("java.")
                        .or(nameStartsWith("javax."))
                        .or(nameStartsWith("jdk."))
                        .or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun."))
                        .or(nameStartsWith("io.vdsoagent."))
                        .or(nameStartsWith("net.bytebuddy."))
                        .or(nameStartsWith(byteBuddyPackage)))
                .or(any(), isBootstrapClassLoader().or(isExtensionClassLoader()))
                .or(any(), isAgentLoader())
                .type(new ElementMatcher<TypeDescription>() {
                    @Override
                    public boolean matches(TypeDescription type) {
                        return settings.instruments(type.getName());
                    }
                })
                .transform(new ClockCallTransformer(sites, settings.countMode().recorderInternalName()))
                .installOn(instrumentation);
    }

    /**
     * The agent's isolated loader holds our copies of Byte Buddy, Micrometer etc. (relocated names the
     * prefixes above may miss). When this class lives in the system loader (tests, an unpackaged agent)
     * that loader is the application's: it must not be ignored then.
     */
    private static ElementMatcher<ClassLoader> isAgentLoader() {
        ClassLoader own = ClockCallAgentBuilder.class.getClassLoader();
        return own == null || own == ClassLoader.getSystemClassLoader() ? none() : is(own);
    }

    /** Failures are counted, and logged at debug once per class; the class stays as it was. */
    private static final class ErrorsOnly extends AgentBuilder.Listener.Adapter {
        private final AtomicLong failures;

        ErrorsOnly(AtomicLong failures) {
            this.failures = failures;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                Throwable throwable) {
            failures.incrementAndGet();
            if (log.isDebugEnabled() && LOGGED_FAILURES.size() < MAX_LOGGED_FAILURES
                    && LOGGED_FAILURES.add(typeName)) {
                log.debug("Clock calls in [{}] not instrumented, class left unchanged: {}", typeName,
                        String.valueOf(throwable));
            }
        }
    }
}
