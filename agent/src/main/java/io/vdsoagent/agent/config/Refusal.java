package io.vdsoagent.agent.config;

/**
 * A configuration value the agent did not use, and what it did instead: for a key that decides who can
 * reach the endpoint ({@link ConfigKey#exposure()}), an unknown key or a bad shorthand, the endpoint
 * stays off; for any other key the default applies. Shown in {@code /report} and as
 * {@code vdso_agent_config_refused{key,effect}}; the value itself is never kept (it may be a secret).
 */
public final class Refusal {
    /** What the agent did instead of using the value. */
    public enum Effect {
        ENDPOINT_OFF("endpoint_off"),
        /** An {@code otlp-*} value: no OTLP push at all (never one without the headers it was given). */
        PUSH_OFF("otlp_off"),
        DEFAULT_USED("default_used");

        private final String label;

        Effect(String label) {
            this.label = label;
        }

        /** The metric label and JSON value. */
        public String label() {
            return label;
        }
    }

    private final String key;
    private final String reason;
    private final Effect effect;

    Refusal(String key, String reason, Effect effect) {
        this.key = key;
        this.reason = reason;
        this.effect = effect;
    }

    /** The key as written (an unknown key's own spelling, quoted like any user value). */
    public String key() {
        return key;
    }

    /** Why, without the value. */
    public String reason() {
        return reason;
    }

    public Effect effect() {
        return effect;
    }

    @Override
    public String toString() {
        return key + " (" + reason + ", " + effect.label() + ")";
    }
}
