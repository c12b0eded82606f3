package agentit;

import java.io.File;

/**
 * Exits (System.exit(0)) the moment the agent's private jffi directory appears in {@code dir} (the
 * JVM's java.io.tmpdir): the JVM ends while the agent is between writing jffi's stub and deleting it.
 * Exit 3 when no such directory appeared within the given ms. Args: dir, ms.
 */
public final class ExitDuringStubApp {
    private ExitDuringStubApp() {
    }

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[1]);
        while (System.currentTimeMillis() < deadline) {
            String[] names = dir.list();
            if (names != null) {
                for (String name : names) {
                    if (name.startsWith("vdso-agent-jffi")) {
                        System.out.println("exit with " + name);
                        System.exit(0);
                    }
                }
            }
            Thread.yield();
        }
        System.exit(3);
    }
}
