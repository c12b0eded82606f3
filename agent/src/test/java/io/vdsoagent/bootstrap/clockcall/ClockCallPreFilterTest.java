package io.vdsoagent.bootstrap.clockcall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The pre-filter against a full parse: over thousands of real class files (the JDK's java.base and
 * java.sql, our own and the test fixtures), every class in which ASM finds a call of, or a method handle
 * to, a clock method must pass the pre-filter (no false negative), and most others must be rejected.
 */
class ClockCallPreFilterTest {

    private static final List<String> CLOCK_METHODS = Arrays.asList(
            "java/lang/System.nanoTime()J", "java/lang/System.currentTimeMillis()J",
            "java/time/Instant.now()Ljava/time/Instant;", "java/time/Clock.instant()Ljava/time/Instant;",
            "java/time/Clock.millis()J", "java/time/LocalDateTime.now()Ljava/time/LocalDateTime;",
            "java/time/LocalDate.now()Ljava/time/LocalDate;", "java/time/LocalTime.now()Ljava/time/LocalTime;",
            "java/time/ZonedDateTime.now()Ljava/time/ZonedDateTime;",
            "java/time/OffsetDateTime.now()Ljava/time/OffsetDateTime;");

    @Test
    void passesEveryClassThatCallsAClockAndRejectsMostOthers() throws IOException {
        List<byte[]> classes = new ArrayList<>();
        try (FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"))) {
            addClassFiles(jrt.getPath("/modules/java.base"), classes);
            addClassFiles(jrt.getPath("/modules/java.sql"), classes);
        } catch (UnsupportedOperationException closingTheJrtFileSystemIsNotAllowed) {
            // jrt:/ cannot be closed; the class files were read
        }
        addClassFiles(Paths.get(ClockCallPreFilter.class.getProtectionDomain().getCodeSource().getLocation().getPath()),
                classes);
        addClassFiles(Paths.get(System.getProperty("vdso.test-classes", "target/test-classes")), classes);
        int calling = 0;
        int passedWithoutCall = 0;
        List<String> missed = new ArrayList<>();
        for (byte[] classFile : classes) {
            boolean callsClock = callsClock(classFile);
            boolean passed = ClockCallPreFilter.mayCallClock(classFile);
            if (callsClock) {
                calling++;
                if (!passed) {
                    missed.add(new ClassReader(classFile).getClassName());
                }
            } else if (passed) {
                passedWithoutCall++;
            }
        }
        assertEquals(Collections.emptyList(), missed, "clock callers the pre-filter rejected");
        assertTrue(classes.size() > 3000 && calling > 50, classes.size() + " classes, " + calling + " call a clock");
        int others = classes.size() - calling;
        assertTrue(passedWithoutCall < others / 20, passedWithoutCall + " of " + others + " classes without a clock "
                + "call passed the pre-filter");
    }

    @Test
    void rejectsWhatIsNotAClassFile() {
        assertEquals(false, ClockCallPreFilter.mayCallClock(new byte[0]));
        assertEquals(false, ClockCallPreFilter.mayCallClock(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA,
                (byte) 0xBE, 0, 0, 0, 52, (byte) 0xff, (byte) 0xff, 1, 0, 3}));
    }

    private static void addClassFiles(Path root, List<byte[]> into) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".class") && !p.toString().endsWith("module-info.class"))
                    .collect(Collectors.toList());
        }
        for (Path file : files) {
            into.add(Files.readAllBytes(file));
        }
    }

    /** Ground truth: a full ASM parse finds an invocation of, or a handle to, a clock method. */
    private static boolean callsClock(byte[] classFile) {
        boolean[] found = new boolean[1];
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        found[0] |= CLOCK_METHODS.contains(owner + "." + n + d);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String n, String d, Handle bootstrap, Object... arguments) {
                        for (Object a : arguments) {
                            if (a instanceof Handle) {
                                Handle h = (Handle) a;
                                found[0] |= CLOCK_METHODS.contains(h.getOwner() + "." + h.getName() + h.getDesc());
                            }
                        }
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof Handle) {
                            Handle h = (Handle) value;
                            found[0] |= CLOCK_METHODS.contains(h.getOwner() + "." + h.getName() + h.getDesc());
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }
}
