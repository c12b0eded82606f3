package io.vdsoagent.agent.config;

/**
 * A configuration value that cannot be used. Internal only: {@link AgentArguments} turns it into one log
 * line and the key's default; it never reaches the application.
 */
final class ConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigurationException(String message) {
        super(message);
    }
}
