package agentit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;

/**
 * Prints "app up", waits for a line on stdin (the test sends it once the agent is ready), prints
 * "exit-at <epoch microseconds>", then leaves by System.exit(0) (arg "exit") or by returning from main
 * (arg "return"): the test times from that line to the process being gone.
 */
public final class ExitApp {
    private ExitApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("app up");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        Instant now = Instant.now();
        System.out.println("exit-at " + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
        System.out.flush();
        if ("exit".equals(args[0])) {
            System.exit(0);
        }
    }
}
