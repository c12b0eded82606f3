import java.util.Arrays;

/**
 * start-up.py's kafka-connect application: a KRaft broker and a standalone Connect worker (Jetty, Jersey,
 * HK2, Jackson, a file source connector) in one JVM, the worker's start waiting for the broker.
 * Arguments: broker properties, worker properties, connector properties.
 */
public final class KafkaConnect {
    private KafkaConnect() {
    }

    public static void main(String[] args) throws Exception {
        Thread broker = new Thread(() -> kafka.Kafka.main(new String[] {args[0]}), "kafka-main");
        broker.start();
        org.apache.kafka.connect.cli.ConnectStandalone.main(Arrays.copyOfRange(args, 1, args.length));
    }
}
