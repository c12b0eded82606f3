package io.vdsoagent.bootstrap.clockcall;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a class comes from, for {@link ClockCallLoadTime}: the JDK's own files and the jars of every
 * {@code -javaagent} on the command line (ours included) are not application code, whatever their
 * packages are called. Loaded only when a class passes the pre-filter, so premain never pays for it.
 */
final class ClockCallCodeSources {

    private static volatile List<String> excludedLocations;

    private ClockCallCodeSources() {
    }

    static byte[] classFileOf(ClassLoader loader, String className) {
        InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class");
        if (in == null) {
            return null; // generated at run time: nothing to read, left alone
        }
        try {
            try {
                return InputStreams.readAll(in);
            } finally {
                in.close();
            }
        } catch (IOException e) {
            return null;
        }
    }

    static boolean isExcluded(URL location) {
        String protocol = location.getProtocol();
        if ("jrt".equals(protocol)) {
            // The JDK's modules; an application linked into a jlink image is jrt:/its.module too.
            return isJdkModule(location.getPath());
        }
        if (!"file".equals(protocol)) {
            return false;
        }
        String path = new File(location.getPath()).getAbsolutePath();
        for (String excluded : excludedLocations()) {
            if (path.equals(excluded) || path.startsWith(excluded + File.separator)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /java.base}, {@code /jdk.httpserver}: the JDK's own module names. */
    static boolean isJdkModule(String jrtPath) {
        String module = jrtPath == null ? "" : jrtPath.startsWith("/") ? jrtPath.substring(1) : jrtPath;
        return module.isEmpty() || module.startsWith("java.") || module.startsWith("jdk.");
    }

    private static List<String> excludedLocations() {
        List<String> known = excludedLocations;
        if (known == null) {
            known = Collections.unmodifiableList(findExcludedLocations());
            excludedLocations = known;
        }
        return known;
    }

    /** java.home, our own jar or classes, and every -javaagent jar named on the command line. */
    private static List<String> findExcludedLocations() {
        List<String> out = new ArrayList<String>();
        addPath(out, System.getProperty("java.home"));
        CodeSource own = ClockCallCodeSources.class.getProtectionDomain().getCodeSource();
        if (own != null && own.getLocation() != null && "file".equals(own.getLocation().getProtocol())) {
            addPath(out, own.getLocation().getPath());
        }
        List<String> args = new ArrayList<String>();
        try {
            byte[] cmdline = Files.readAllBytes(new File("/proc/self/cmdline").toPath());
            Collections.addAll(args, new String(cmdline, StandardCharsets.UTF_8).split("\u0000"));
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc hidden: the options below and the loader checks still apply
        }
        for (String variable : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"}) {
            String value = System.getenv(variable);
            if (value != null) {
                Collections.addAll(args, value.trim().split("\\s+"));
            }
        }
        for (String arg : args) {
            if (arg.startsWith("-javaagent:")) {
                String jar = arg.substring("-javaagent:".length());
                int equals = jar.indexOf('=');
                addPath(out, equals < 0 ? jar : jar.substring(0, equals));
            }
        }
        return out;
    }

    private static void addPath(List<String> out, String path) {
        if (path != null && !path.isEmpty()) {
            File file = new File(path).getAbsoluteFile();
            out.add(file.getPath());
            try {
                out.add(file.getCanonicalPath());
            } catch (IOException e) {
                // the absolute path is there
            }
        }
    }
}
