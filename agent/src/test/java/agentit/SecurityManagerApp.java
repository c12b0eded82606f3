package agentit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.SocketPermission;
import java.security.Permission;

/**
 * An application that installs, after start-up, a SecurityManager refusing every socket accept (as a
 * hardened app server might): "app up", a line on stdin, "sm installed", another line, exit 0.
 */
public final class SecurityManagerApp {
    private SecurityManagerApp() {
    }

    @SuppressWarnings("removal")
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("app up");
        System.out.flush();
        in.readLine();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(Permission p) {
                if (p instanceof SocketPermission && p.getActions().contains("accept")) {
                    throw new SecurityException("accept refused by the application: " + p.getName());
                }
            }

            @Override
            public void checkPermission(Permission p, Object context) {
                checkPermission(p);
            }
        });
        System.out.println("sm installed");
        System.out.flush();
        in.readLine();
        System.out.println("app done");
    }
}
